// The console's two languages: zh-CN and en. The browser's language picks one (navigator.languages); the switch in the
// header overrides it for this browser (localStorage, the only thing the console keeps there). Every label, status,
// clock, party, command, field, refusal and report title goes through t() or term(); a term without a translation
// falls back to its API name with underscores as spaces, so a new status still shows.

const CHOSEN = 'after-sales-console-locale';
export const LOCALES = ['zh-CN', 'en'];

const en = {
  'app.title': 'After-sales console',
  'skip': 'Skip to content',
  'nav.sections': 'Sections',
  'nav.stuck': 'Stuck cases',
  'nav.cases': 'My cases',
  'nav.queues': 'Role queues',
  'nav.reports': 'Reports',
  'nav.signOut': 'Sign out',
  'lang.label': 'Language',
  'lang.switchTo': '中文',
  'lang.switchToName': 'Switch to Chinese (中文)',
  'tz.note': 'Times in {zone} ({offset})',
  'signin.title': 'Sign in',
  'signin.key': 'API key',
  'signin.note': 'The key stays in this browser tab only (session storage).',
  'signin.submit': 'Sign in',
  'whoami': '{id} ({role})',
  'whoami.merchant': '{id} ({role}, {merchant})',
  'problem.default': 'Something went wrong',
  'problem.console': 'Console error',
  'problem.unreachable': 'API unreachable',
  'problem.http': 'HTTP {status}',
  'problem.noDocument': 'the API answered without a problem document',
  'problem.notForRole': 'Not available to your role',
  'problem.notForRoleDetail': 'the reports are for supervisors, administrators and merchants',
  'any': 'any',
  'none': '—',
  'notSet': 'not set',
  'yes': 'yes',
  'no': 'no',
  'apply': 'Apply',
  'showMore': 'Show more',
  'shown': '{n} cases shown',
  'shown.one': '1 case shown',
  'shown.more': '; more to load',
  'asOf': ', as of {time}',
  'live.refreshed': 'Refreshes by itself every {s} s.',
  'live.newBreach': 'New breach: case {caseId}, {clock} owed by {party}',
  'live.newBreaches': '{n} new breaches: {list}',
  'queue.title': 'Stuck cases',
  'queue.intro': 'Open cases with a deadline passed or due soon, idle, or a refused refund — most overdue first.',
  'queue.caption': 'Stuck cases, most overdue first',
  'queue.filters': 'Filters',
  'filter.state': 'State',
  'filter.within': 'Due within (ISO duration)',
  'filter.idleFor': 'Idle for',
  'filter.kind': 'Kind',
  'filter.owingParty': 'Owing party',
  'filter.merchant': 'Merchant',
  'filter.clock': 'Clock',
  'filter.escalatedTo': 'Escalated to',
  'filter.priority': 'Priority',
  'filter.limit': 'Page size',
  'state.breached': 'breached',
  'state.within': 'due within',
  'state.idle': 'idle',
  'col.case': 'Case',
  'col.kind': 'Kind',
  'col.status': 'Status',
  'col.merchant': 'Merchant',
  'col.owing': 'Owing party',
  'col.deadline': 'Next deadline',
  'col.why': 'Breaches / why listed',
  'col.priority': 'Priority',
  'roleQueue.title': 'Queue: {role}',
  'roleQueue.tabs': 'Role queues',
  'roleQueue.caption': 'Cases escalated to {role}, most overdue first',
  'own.title': 'My cases',
  'own.caption': 'Your cases, newest first',
  'case.back': '← back to the queue',
  'case.title': 'Case {id}',
  'case.status': 'Status',
  'case.outcome': 'Outcome',
  'case.kind': 'Kind',
  'case.owing': 'Owing party',
  'case.nextDeadline': 'Next deadline',
  'case.priority': 'Priority',
  'case.agent': 'Agent',
  'case.opened': 'Opened',
  'case.closed': 'Closed',
  'case.version': 'Version',
  'case.temporal': 'Open the workflow in the Temporal UI',
  'case.parties': 'Parties',
  'case.customer': 'Customer',
  'case.phone': 'Phone',
  'case.email': 'E-mail',
  'case.order': 'Order',
  'case.paid': 'Paid',
  'case.actions': 'Actions',
  'case.noActions': 'No command is open to your role now.',
  'case.clocks': 'SLA clocks',
  'clock.col.clock': 'Clock',
  'clock.col.owner': 'Owner',
  'clock.col.limit': 'Limit',
  'clock.col.state': 'State',
  'clock.col.deadline': 'Deadline',
  'clock.col.left': 'Time left',
  'clock.done': 'done {time}',
  'audit.title': 'Audit timeline',
  'audit.system': 'system',
  'audit.reason': 'Reason: {reason}',
  'audit.evidence': 'Evidence: ',
  'cmd.title': 'Send “{command}”',
  'cmd.reason': 'Reason (recorded in the audit trail)',
  'cmd.send': 'Send',
  'cmd.cancel': 'Cancel',
  'cmd.required': 'required',
  'cmd.requiredNote': 'Fields marked * are required.',
  'cmd.add': 'Add {what}',
  'cmd.remove': 'Remove',
  'cmd.choose': '— choose —',
  'cmd.unit': 'Unit',
  'cmd.amount': 'Amount',
  'cmd.onePerLine': 'one per line',
  'cmd.yuan': 'in yuan (¥)',
  'cmd.fixErrors': 'The command was not sent: see the fields marked below.',
  'cmd.localTime': 'in {zone}',
  'err.blank': 'Enter some text (not only spaces).',
  'err.tooLong': 'At most {n} characters.',
  'err.required': 'Required.',
  'err.option': 'Choose one of the options.',
  'err.unknown': 'Not a field of this command.',
  'reports.title': 'Reports',
  'reports.intro': 'Over the cases opened in the range (UTC days).',
  'reports.range': 'Report range',
  'reports.from': 'From',
  'reports.to': 'To (inclusive)',
  'reports.show': 'Show',
  'reports.download': 'Download {name}.csv',
  'rep.sla': 'SLA compliance',
  'rep.slaChart': 'Share of deadlines met per day, with the target line',
  'rep.metPct': 'met %',
  'rep.target': 'target {n} %',
  'rep.perClock': 'Per clock',
  'rep.col.clock': 'Clock',
  'rep.col.limit': 'Limit',
  'rep.col.met': 'Met',
  'rep.col.breached': 'Breached',
  'rep.col.pending': 'Pending',
  'rep.col.metPct': 'Met %',
  'rep.col.target': 'Target',
  'rep.col.meets': 'Meets target',
  'rep.targetSource.spec': 'spec',
  'rep.targetSource.default': 'default',
  'rep.breachesByMerchant': 'Breaches by merchant',
  'rep.breachesChart': 'Breached deadlines per merchant',
  'rep.breached': 'breached',
  'rep.handling': 'Handling time (closed cases)',
  'rep.handlingChart': 'Closed cases per handling-time bucket',
  'rep.cases': 'cases',
  'rep.handlingTable': 'p50 / p90 by kind, reason, merchant and agent',
  'rep.col.by': 'By',
  'rep.col.key': 'Key',
  'rep.col.cases': 'Cases',
  'rep.by.all': 'all',
  'rep.by.kind': 'kind',
  'rep.by.reason': 'reason',
  'rep.by.merchant': 'merchant',
  'rep.by.agent': 'agent',
  'rep.key.all': 'all cases',
  'rep.key.unassigned': '(unassigned)',
  'rep.dist': 'Problem types and reasons',
  'rep.reasons': 'Reasons',
  'rep.col.kind': 'Kind',
  'rep.col.reason': 'Reason',
  'rep.col.share': 'Share',
  'rep.csat': 'Customer satisfaction',
  'rep.csatSummary': 'Average {avg} from {responses} of {sent} surveys (response rate {rate}).',
  'rep.csatChart': 'Survey answers per rating',
  'rep.answers': 'answers',
  'rep.merchants': 'Merchant scorecard',
  'rep.perMerchant': 'Per merchant',
  'rep.col.merchant': 'Merchant',
  'rep.col.closed': 'Closed',
  'rep.col.refundRate': 'Refund rate',
  'rep.col.disputeRate': 'Dispute rate',
  'rep.col.reviewOnTime': 'Review on time',
  'rep.col.refundOnTime': 'Refund on time',
  'rep.col.breaches': 'Breaches',
  'rep.col.charges': 'Charges',
  'unit.workingDays': '{n} working day|{n} working days',
  'unit.days': '{n} d',
  'unit.hours': '{n} h',
  'unit.minutes': '{n} min',
  'unit.seconds': '{n} s',
};

const zh = {
  'app.title': '售后工作台',
  'skip': '跳到正文',
  'nav.sections': '栏目',
  'nav.stuck': '滞留工单',
  'nav.cases': '我的工单',
  'nav.queues': '角色队列',
  'nav.reports': '报表',
  'nav.signOut': '退出',
  'lang.label': '语言',
  'lang.switchTo': 'English',
  'lang.switchToName': '切换到英文 (English)',
  'tz.note': '时间均为 {zone}（{offset}）',
  'signin.title': '登录',
  'signin.key': 'API 密钥',
  'signin.note': '密钥只保存在本浏览器标签页中（会话存储）。',
  'signin.submit': '登录',
  'whoami': '{id}（{role}）',
  'whoami.merchant': '{id}（{role}，{merchant}）',
  'problem.default': '出错了',
  'problem.console': '工作台错误',
  'problem.unreachable': '无法连接 API',
  'problem.http': 'HTTP {status}',
  'problem.noDocument': 'API 的应答没有问题说明',
  'problem.notForRole': '您的角色无权使用',
  'problem.notForRoleDetail': '报表仅供主管、管理员和商家使用',
  'any': '不限',
  'none': '—',
  'notSet': '未设置',
  'yes': '是',
  'no': '否',
  'apply': '筛选',
  'showMore': '加载更多',
  'shown': '已显示 {n} 个工单',
  'shown.one': '已显示 1 个工单',
  'shown.more': '；还有更多',
  'asOf': '，截至 {time}',
  'live.refreshed': '每 {s} 秒自动刷新。',
  'live.newBreach': '新超时：工单 {caseId}，{clock}，责任方 {party}',
  'live.newBreaches': '{n} 个新超时：{list}',
  'queue.title': '滞留工单',
  'queue.intro': '已超时或即将到期、长时间无进展或退款被拒的未结工单，最超时的排在最前。',
  'queue.caption': '滞留工单，最超时的在前',
  'queue.filters': '筛选条件',
  'filter.state': '状态',
  'filter.within': '到期时间窗（ISO 时长）',
  'filter.idleFor': '无进展时长',
  'filter.kind': '类型',
  'filter.owingParty': '责任方',
  'filter.merchant': '商家',
  'filter.clock': '时限',
  'filter.escalatedTo': '已升级至',
  'filter.priority': '优先级',
  'filter.limit': '每页条数',
  'state.breached': '已超时',
  'state.within': '即将到期',
  'state.idle': '无进展',
  'col.case': '工单',
  'col.kind': '类型',
  'col.status': '状态',
  'col.merchant': '商家',
  'col.owing': '责任方',
  'col.deadline': '下一截止时间',
  'col.why': '超时 / 列入原因',
  'col.priority': '优先级',
  'roleQueue.title': '队列：{role}',
  'roleQueue.tabs': '角色队列',
  'roleQueue.caption': '已升级至{role}的工单，最超时的在前',
  'own.title': '我的工单',
  'own.caption': '您的工单，最新的在前',
  'case.back': '← 返回队列',
  'case.title': '工单 {id}',
  'case.status': '状态',
  'case.outcome': '结果',
  'case.kind': '类型',
  'case.owing': '责任方',
  'case.nextDeadline': '下一截止时间',
  'case.priority': '优先级',
  'case.agent': '客服',
  'case.opened': '创建时间',
  'case.closed': '关闭时间',
  'case.version': '版本',
  'case.temporal': '在 Temporal 界面中打开工作流',
  'case.parties': '相关方',
  'case.customer': '顾客',
  'case.phone': '电话',
  'case.email': '电子邮件',
  'case.order': '订单',
  'case.paid': '实付',
  'case.actions': '操作',
  'case.noActions': '您的角色当前没有可执行的操作。',
  'case.clocks': 'SLA 时限',
  'clock.col.clock': '时限',
  'clock.col.owner': '责任方',
  'clock.col.limit': '时长',
  'clock.col.state': '状态',
  'clock.col.deadline': '截止时间',
  'clock.col.left': '剩余时间',
  'clock.done': '完成于 {time}',
  'audit.title': '处理记录',
  'audit.system': '系统',
  'audit.reason': '原因：{reason}',
  'audit.evidence': '凭证：',
  'cmd.title': '执行“{command}”',
  'cmd.reason': '原因（记入处理记录）',
  'cmd.send': '提交',
  'cmd.cancel': '取消',
  'cmd.required': '必填',
  'cmd.requiredNote': '标 * 的为必填项。',
  'cmd.add': '添加{what}',
  'cmd.remove': '删除',
  'cmd.choose': '— 请选择 —',
  'cmd.unit': '单位',
  'cmd.amount': '数值',
  'cmd.onePerLine': '每行一个',
  'cmd.yuan': '单位：元（¥）',
  'cmd.fixErrors': '操作未提交：请修改下面标出的字段。',
  'cmd.localTime': '{zone} 时间',
  'err.blank': '请输入内容（不能只有空格）。',
  'err.tooLong': '最多 {n} 个字符。',
  'err.required': '必填。',
  'err.option': '请从选项中选择。',
  'err.unknown': '此操作没有这个字段。',
  'reports.title': '报表',
  'reports.intro': '统计在所选日期范围内创建的工单（按 UTC 日期）。',
  'reports.range': '报表日期范围',
  'reports.from': '开始日期',
  'reports.to': '结束日期（含）',
  'reports.show': '查看',
  'reports.download': '下载 {name}.csv',
  'rep.sla': 'SLA 达标率',
  'rep.slaChart': '每日按时完成的时限占比及目标线',
  'rep.metPct': '达标 %',
  'rep.target': '目标 {n} %',
  'rep.perClock': '按时限',
  'rep.col.clock': '时限',
  'rep.col.limit': '时长',
  'rep.col.met': '按时',
  'rep.col.breached': '超时',
  'rep.col.pending': '进行中',
  'rep.col.metPct': '达标率',
  'rep.col.target': '目标',
  'rep.col.meets': '是否达标',
  'rep.targetSource.spec': '规范',
  'rep.targetSource.default': '默认',
  'rep.breachesByMerchant': '各商家超时数',
  'rep.breachesChart': '各商家超时的时限数',
  'rep.breached': '超时',
  'rep.handling': '处理时长（已关闭工单）',
  'rep.handlingChart': '各处理时长区间的已关闭工单数',
  'rep.cases': '工单',
  'rep.handlingTable': '按类型、原因、商家和客服的 p50 / p90',
  'rep.col.by': '维度',
  'rep.col.key': '取值',
  'rep.col.cases': '工单数',
  'rep.by.all': '全部',
  'rep.by.kind': '类型',
  'rep.by.reason': '原因',
  'rep.by.merchant': '商家',
  'rep.by.agent': '客服',
  'rep.key.all': '全部工单',
  'rep.key.unassigned': '（未分配）',
  'rep.dist': '问题类型与原因',
  'rep.reasons': '原因',
  'rep.col.kind': '类型',
  'rep.col.reason': '原因',
  'rep.col.share': '占比',
  'rep.csat': '顾客满意度',
  'rep.csatSummary': '平均 {avg} 分，{sent} 份问卷中回复 {responses} 份（回复率 {rate}）。',
  'rep.csatChart': '各评分的回复数',
  'rep.answers': '回复',
  'rep.merchants': '商家评分卡',
  'rep.perMerchant': '按商家',
  'rep.col.merchant': '商家',
  'rep.col.closed': '已关闭',
  'rep.col.refundRate': '退款率',
  'rep.col.disputeRate': '纠纷率',
  'rep.col.reviewOnTime': '审核及时率',
  'rep.col.refundOnTime': '退款及时率',
  'rep.col.breaches': '超时数',
  'rep.col.charges': '扣款',
  'unit.workingDays': '{n} 个工作日',
  'unit.days': '{n} 天',
  'unit.hours': '{n} 小时',
  'unit.minutes': '{n} 分钟',
  'unit.seconds': '{n} 秒',
};

/** Terms: the API's names (statuses, clocks, parties, …) and their labels. English is the name made readable unless given. */
const TERMS = {
  status: {
    submitted: ['submitted', '已提交'],
    awaiting_merchant_review: ['awaiting merchant review', '待商家审核'],
    awaiting_platform_review: ['awaiting platform review', '待平台审核'],
    awaiting_return_shipment: ['awaiting return shipment', '待顾客寄回'],
    return_in_transit: ['return in transit', '退货运输中'],
    awaiting_inspection: ['awaiting inspection', '待验货'],
    goods_accepted: ['goods accepted', '已验收'],
    refund_due: ['refund due', '待退款'],
    awaiting_remedy_agreement: ['awaiting remedy agreement', '待确认补偿方案'],
    awaiting_senior_review: ['awaiting senior review', '待资深客服复核'],
    remedy_agreed: ['remedy agreed', '已同意补偿方案'],
    in_dispute: ['in dispute', '纠纷处理中'],
    closed: ['closed', '已关闭'],
    awaiting_customer_confirmation: ['awaiting customer confirmation', '待顾客确认'],
    exchange_unresolved: ['exchange unresolved', '换货未解决'],
    settling_price_difference: ['settling price difference', '差价结算中'],
    awaiting_return_to_sender: ['awaiting return to sender', '待退回寄件人'],
    awaiting_remedy: ['awaiting remedy', '待补偿'],
    registered: ['registered', '已登记'],
    investigating: ['investigating', '调查中'],
    investigated: ['investigated', '已调查'],
    awaiting_approval: ['awaiting approval', '待审批'],
    approved: ['approved', '已审批'],
    awaiting_confirmation: ['awaiting confirmation', '待确认'],
    awaiting_emergency_start: ['awaiting emergency start', '待启动应急'],
    emergency_in_progress: ['emergency in progress', '应急处理中'],
    awaiting_collection: ['awaiting collection', '待取件'],
    at_repair_provider: ['at repair provider', '维修中'],
    awaiting_quote_decision: ['awaiting quote decision', '待确认报价'],
    awaiting_repair_confirmation: ['awaiting repair confirmation', '待确认维修结果'],
    awaiting_repair_remedy: ['awaiting repair remedy', '待选择维修补救'],
    awaiting_booking: ['awaiting booking', '待预约'],
    service_booked: ['service booked', '已预约上门'],
  },
  kind: {
    return: ['return', '退货退款'],
    refund_only: ['refund only', '仅退款'],
    exchange: ['exchange', '换货'],
    feedback: ['feedback', '投诉反馈'],
    safety: ['safety', '安全事件'],
    repair: ['repair', '维修'],
    maintenance: ['maintenance', '上门保养'],
  },
  clock: {
    merchant_review: ['merchant review', '商家审核'],
    platform_review: ['platform review', '平台审核'],
    customer_ship_back: ['customer ship-back', '顾客寄回'],
    merchant_inspection: ['merchant inspection', '商家验货'],
    refund_start: ['refund start', '发起退款'],
    customer_decision: ['customer decision', '顾客决定'],
    dispute_evidence_customer: ['customer’s dispute evidence', '顾客举证'],
    dispute_evidence_merchant: ['merchant’s dispute evidence', '商家举证'],
    dispute_ruling: ['dispute ruling', '纠纷裁决'],
    dispute_appeal_customer: ['customer’s appeal window', '顾客申诉期'],
    dispute_appeal_merchant: ['merchant’s appeal window', '商家申诉期'],
    dispute_courier_evidence: ['courier’s dispute evidence', '快递举证'],
    customer_confirmation: ['customer confirmation', '顾客确认'],
    registration: ['registration', '登记'],
    first_response: ['first response', '首次响应'],
    initial_investigation: ['initial investigation', '初步调查'],
    solution_reply: ['solution reply', '方案答复'],
    emergency_start: ['emergency start', '启动应急'],
    repair_collection: ['repair collection', '维修取件'],
    repair_turnaround: ['repair turnaround', '维修周期'],
    repair_quote_decision: ['repair quote decision', '维修报价确认'],
    repair_confirmation: ['repair confirmation', '维修结果确认'],
    repair_remedy_choice: ['repair remedy choice', '维修补救选择'],
    service_visit: ['service visit', '上门服务'],
  },
  party: {
    customer: ['customer', '顾客'],
    agent: ['agent', '客服'],
    senior_agent: ['senior agent', '资深客服'],
    cs_lead: ['CS lead', '客服主管'],
    merchant: ['merchant', '商家'],
    platform: ['platform', '平台'],
    courier: ['courier', '快递'],
    warehouse: ['warehouse', '仓库'],
    safety_owner: ['safety owner', '安全负责人'],
    payment: ['payment', '支付'],
    repair_provider: ['repair provider', '维修服务商'],
    supervisor: ['supervisor', '主管'],
    admin: ['admin', '管理员'],
    system: ['system', '系统'],
  },
  clockStatus: {
    running: ['running', '计时中'],
    paused: ['paused', '已暂停'],
    satisfied: ['met', '已完成'],
    breached: ['breached', '已超时'],
    cancelled: ['cancelled', '已取消'],
  },
  priority: {
    low: ['low', '低'],
    normal: ['normal', '普通'],
    high: ['high', '高'],
    urgent: ['urgent', '紧急'],
  },
  reason: {
    deadline_breached: ['deadline breached', '已超时'],
    deadline_within_window: ['due soon', '即将到期'],
    idle: ['idle', '无进展'],
    refund_blocked: ['refund blocked', '退款受阻'],
    dispute_open: ['dispute open', '纠纷中'],
  },
  command: {
    assign: ['assign', '分配'],
    escalate: ['escalate', '升级'],
    merchant_review: ['merchant review', '商家审核'],
    platform_review: ['platform review', '平台审核'],
    ship_back: ['ship back', '寄回'],
    request_pickup: ['request pickup', '预约取件'],
    inspect: ['inspect', '验货'],
    start_refund: ['start refund', '发起退款'],
    convert_to_refund: ['convert to refund', '转为退款'],
    propose_remedy: ['propose remedy', '提出补偿方案'],
    customer_decision: ['customer decision', '顾客决定'],
    register: ['register', '登记'],
    respond: ['respond', '响应'],
    record_investigation: ['record investigation', '记录调查结果'],
    propose_solution: ['propose solution', '提出解决方案'],
    approve_solution: ['approve solution', '审批解决方案'],
    reply_solution: ['reply with the solution', '答复解决方案'],
    confirm_resolution: ['confirm resolution', '确认解决'],
    answer_survey: ['answer survey', '填写满意度调查'],
    start_emergency: ['start emergency', '启动应急'],
    link_affected: ['link affected', '关联受影响订单'],
    resolve_incident: ['resolve incident', '结束事件'],
    resolve_blocked_refund: ['resolve blocked refund', '处理受阻退款'],
    override_review: ['override review', '改判审核'],
    extend_deadline: ['extend deadline', '延长时限'],
    pause_deadline: ['pause deadline', '暂停时限'],
    resume_deadline: ['resume deadline', '恢复时限'],
    change_priority: ['change priority', '修改优先级'],
    drop_off: ['drop off', '送修'],
    choose_repair_remedy: ['choose repair remedy', '选择维修补救'],
    book_service: ['book service', '预约上门'],
    reschedule_service: ['reschedule service', '改约上门'],
    record_service: ['record service', '记录上门结果'],
    add_note: ['add note', '添加备注'],
    request_intervention: ['request intervention', '申请平台介入'],
    submit_evidence: ['submit evidence', '提交凭证'],
    request_info: ['request information', '要求补充信息'],
    rule_dispute: ['rule dispute', '裁决纠纷'],
    appeal_ruling: ['appeal ruling', '申诉裁决'],
    rule_appeal: ['rule appeal', '裁决申诉'],
  },
  field: {
    reason: ['reason', '原因'],
    reasons: ['reasons', '理由'],
    evidence: ['evidence', '凭证'],
    agentId: ['agent id', '客服编号'],
    to: ['escalate to', '升级至'],
    decision: ['decision', '决定'],
    returnAddress: ['return address', '退货地址'],
    trackingNumber: ['tracking number', '运单号'],
    carrier: ['carrier', '快递公司'],
    postageCents: ['postage', '运费'],
    address: ['address', '地址'],
    result: ['result', '结果'],
    findings: ['findings', '检查结果'],
    items: ['items', '商品'],
    sku: ['SKU', 'SKU'],
    quantity: ['quantity', '数量'],
    deductionCents: ['deduction', '扣减金额'],
    amountCents: ['amount', '金额'],
    remedy: ['remedy', '补偿方式'],
    description: ['description', '说明'],
    accept: ['accept', '是否接受'],
    priority: ['priority', '优先级'],
    ticketNumber: ['ticket number', '工单号'],
    message: ['message', '回复内容'],
    responsibleParty: ['responsible party', '责任方'],
    solution: ['solution', '解决方案'],
    resolved: ['resolved', '是否已解决'],
    rating: ['rating', '评分'],
    comment: ['comment', '评价'],
    plan: ['plan', '应急方案'],
    orderIds: ['order ids', '订单号'],
    caseIds: ['case ids', '工单号'],
    summary: ['summary', '总结'],
    resolution: ['resolution', '处理方式'],
    reference: ['reference', '转账凭证号'],
    clock: ['clock', '时限'],
    by: ['by', '延长'],
    hours: ['hours', '小时'],
    minutes: ['minutes', '分钟'],
    workingDays: ['working days', '工作日'],
    location: ['location', '送修地点'],
    slotAt: ['slot', '预约时间'],
    outcome: ['outcome', '结果'],
    serviceRecord: ['service record', '服务记录'],
    note: ['note', '备注'],
    party: ['party', '对象'],
    request: ['request', '要求'],
    kind: ['kind', '类型'],
    uri: ['link', '链接'],
  },
  caseReason: {
    quality_defect: ['quality defect', '质量问题'],
    wrong_item: ['wrong item', '发错货'],
    missing_item: ['missing item', '少件/漏发'],
    not_as_described: ['not as described', '与描述不符'],
    damaged_in_transit: ['damaged in transit', '运输损坏'],
    lost_in_transit: ['lost in transit', '运输丢失'],
    no_reason: ['no reason (7 days)', '七天无理由'],
    changed_mind: ['changed mind', '不想要了'],
    late_shipment: ['late shipment', '发货延迟'],
    out_of_stock: ['out of stock', '缺货'],
    not_shipped: ['not shipped', '未发货'],
    refused_delivery: ['refused delivery', '拒收'],
    price_difference: ['price difference', '价格差异'],
    minor_defect: ['minor defect', '轻微瑕疵'],
    product_quality: ['product quality', '产品质量'],
    logistics: ['logistics', '物流'],
    after_sales_service: ['after-sales service', '售后服务'],
    platform_rules: ['platform rules', '平台规则'],
    safety_hazard: ['safety hazard', '安全隐患'],
  },
  value: {
    approve: ['approve', '同意'],
    reject: ['reject', '拒绝'],
    accepted: ['accepted', '合格'],
    rejected: ['rejected', '不合格'],
    partial_refund: ['partial refund', '部分退款'],
    price_difference_refund: ['price difference refund', '退差价'],
    price_difference_charge: ['price difference charge', '补差价'],
    reship_part: ['reship part', '补发配件'],
    gift: ['gift', '赠品'],
    refund: ['refund', '退款'],
    full_refund: ['full refund', '全额退款'],
    return_and_refund: ['return and refund', '退货退款'],
    reship: ['reship', '补发'],
    none: ['none', '无'],
    retry: ['retry', '重新退款'],
    settled_offline: ['settled offline', '线下已结清'],
    return_refund: ['return and refund', '退货退款'],
    exchange: ['exchange', '换货'],
    discount_refund: ['discount refund', '折价退款'],
    completed: ['completed', '已完成'],
    customer_no_show: ['customer no-show', '顾客未到'],
    provider_no_show: ['provider no-show', '服务商未到'],
    photo: ['photo', '照片'],
    video: ['video', '视频'],
    document: ['document', '文件'],
    chat_log: ['chat log', '聊天记录'],
    tracking: ['tracking', '物流记录'],
    weight_record: ['weight record', '称重记录'],
    other: ['other', '其他'],
  },
  action: {
    feedback_received: ['feedback received', '收到反馈'],
    sla_breached: ['deadline breached', '时限已超时'],
    sla_warning: ['deadline warning', '时限预警'],
    sla_paused: ['deadline paused', '时限暂停'],
    sla_resumed: ['deadline resumed', '时限恢复'],
    sla_extended: ['deadline extended', '时限延长'],
    escalated: ['escalated', '已升级'],
    escalation_notified: ['escalation notified', '已通知升级'],
    paged: ['paged on call', '已呼叫值班'],
    assigned: ['assigned', '已分配'],
    priority_changed: ['priority changed', '优先级已修改'],
    note_added: ['note added', '已添加备注'],
    notification_failed: ['notification failed', '通知失败'],
    refund_requested: ['refund requested', '已申请退款'],
    refund_issued: ['refund issued', '已退款'],
    refund_refused: ['refund refused', '退款被拒'],
    refund_settled_offline: ['refund settled offline', '退款线下结清'],
    refund_retry_ordered: ['refund retried', '已重新退款'],
    converted_to_refund: ['converted to refund', '已转为退款'],
    survey_answered: ['survey answered', '已填写满意度调查'],
    remedy_proposed: ['remedy proposed', '已提出补偿方案'],
    remedy_accepted: ['remedy accepted', '已接受补偿方案'],
    remedy_rejected: ['remedy rejected', '已拒绝补偿方案'],
    remedy_lapsed: ['remedy lapsed', '补偿方案已过期'],
    resolution_rejected: ['resolution rejected', '顾客表示未解决'],
    evidence_submitted: ['evidence submitted', '已提交凭证'],
    evidence_deadline_missed: ['evidence deadline missed', '未按时举证'],
    info_requested: ['information requested', '已要求补充信息'],
    ruling_executed: ['ruling executed', '裁决已执行'],
    ruling_appealed: ['ruling appealed', '裁决已申诉'],
    charge_recorded: ['charge recorded', '已记录扣款'],
    charge_reversed: ['charge reversed', '扣款已撤销'],
    clocks_retimed: ['deadlines retimed', '时限已重新计算'],
    calendar_applied: ['holiday calendar applied', '已应用节假日安排'],
    courier_evidence_pending: ['courier to answer later', '快递稍后举证'],
    courier_evidence_received: ['courier evidence received', '已收到快递举证'],
    pickup_booked: ['pickup booked', '已预约取件'],
    reship_ordered: ['reship ordered', '已安排补发'],
    affected_linked: ['affected orders linked', '已关联受影响订单'],
    merchant_rejected: ['merchant rejected', '商家已拒绝'],
    merchant_approved: ['merchant approved', '商家已同意'],
  },
  problem: {
    validation_failed: ['Invalid request', '请求无效'],
    unauthenticated: ['Unknown API key', 'API 密钥无效'],
    forbidden: ['Forbidden', '无权操作'],
    case_not_found: ['Case not found', '工单不存在'],
    not_found: ['Not found', '未找到'],
    invalid_transition: ['Invalid transition', '当前状态不允许此操作'],
    role_not_allowed: ['Role not allowed', '您的角色不能执行此操作'],
    forbidden_actor: ['Role not allowed', '您的角色不能执行此操作'],
    case_closed: ['Case closed', '工单已关闭'],
    case_not_ready: ['Case not ready', '工单尚未就绪'],
    dependency_unavailable: ['Service unavailable', '服务暂不可用'],
    internal_error: ['Internal error', '内部错误'],
    range_too_large: ['Range too large', '范围过大'],
    malformed_json: ['Malformed JSON body', '请求内容格式错误'],
    command_refused: ['Refused by a business rule', '业务规则拒绝'],
    invalid_payload: ['Refused by a business rule', '内容不符合规则'],
    invalid_amount: ['Invalid amount', '金额无效'],
    amount_out_of_bounds: ['Amount out of bounds', '金额超出范围'],
    amount_required: ['Amount required', '需要填写金额'],
    remedy_not_allowed: ['Remedy not allowed', '不允许此补偿方式'],
    nothing_to_dispute: ['Nothing to dispute', '没有可申请介入的事项'],
    invalid_items: ['Invalid items', '商品无效'],
    unchanged: ['Nothing changed', '没有变化'],
    invalid_duration: ['Invalid duration', '时长无效'],
    evidence_closed: ['Evidence closed', '举证期已结束'],
    evidence_open: ['Evidence still open', '举证期尚未结束'],
    appeal_window_closed: ['Appeal window closed', '申诉期已过'],
    already_decided: ['Already decided', '已作出决定'],
    unknown_clock: ['Unknown clock', '没有该时限'],
    invalid_clock_state: ['Clock not in that state', '时限状态不允许此操作'],
    tracking_number_required: ['Tracking number required', '需要运单号'],
    slot_in_past: ['Slot in the past', '预约时间已过'],
    self_approval: ['Self-approval not allowed', '不能审批自己的方案'],
    same_reviewer: ['Same reviewer', '复核人不能与原裁决人相同'],
    reschedule_limit_reached: ['Reschedule limit reached', '改约次数已用完'],
    reference_required: ['Reference required', '需要转账凭证号'],
    reason_required: ['Reason required', '需要填写原因'],
    proposal_pending: ['A proposal is pending', '已有待确认的方案'],
    postage_above_cap: ['Postage above the cap', '运费超过上限'],
    no_pending_proposal: ['No pending proposal', '没有待确认的方案'],
    items_not_applicable: ['Items not applicable', '商品不适用'],
    invalid_resolution: ['Invalid resolution', '处理方式无效'],
    invalid_rating: ['Invalid rating', '评分无效'],
    intervention_window_passed: ['Intervention window passed', '已超过申请介入期限'],
    dispute_open: ['Dispute open', '纠纷处理中'],
    already_ruled: ['Already ruled', '已裁决'],
    already_requested: ['Already requested', '已申请'],
    already_converted: ['Already converted', '已转换'],
    already_appealed: ['Already appealed', '已申诉'],
    idempotency_key_reused: ['Idempotency key reused', '幂等键重复使用'],
  },
};

let locale = pickLocale();

function pickLocale() {
  const chosen = localStorage.getItem(CHOSEN);
  if (LOCALES.includes(chosen)) return chosen;
  const langs = navigator.languages && navigator.languages.length ? navigator.languages : [navigator.language || 'en'];
  for (const lang of langs) {
    const l = String(lang).toLowerCase();
    if (l.startsWith('zh')) return 'zh-CN';
    if (l.startsWith('en')) return 'en';
  }
  return 'en';
}

export const currentLocale = () => locale;

/** The switch: remembered for this browser. */
export function setLocale(next) {
  if (!LOCALES.includes(next)) return;
  locale = next;
  localStorage.setItem(CHOSEN, next);
}

const fill = (text, vars) => text.replace(/\{(\w+)\}/g, (m, k) => (vars && vars[k] !== undefined ? String(vars[k]) : m));

/** A UI string; `{n}` forms with "one|many" pick by vars.n. */
export function t(key, vars) {
  const dict = locale === 'zh-CN' ? zh : en;
  let text = dict[key] ?? en[key] ?? key;
  if (text.includes('|')) {
    const [one, many] = text.split('|');
    text = vars && Number(vars.n) === 1 ? one : many;
  }
  return fill(text, vars);
}

/** The label of an API name in a domain (status, kind, clock, party, command, field, value, …). */
export function term(domain, name) {
  if (name === undefined || name === null || name === '') return '';
  const entry = TERMS[domain] && TERMS[domain][name];
  if (entry) return locale === 'zh-CN' ? entry[1] : entry[0];
  return String(name).replace(/_/g, ' ');
}

/** The label of `name` in the first of `domains` that knows it (an enum's values: priorities, parties, …). */
export function termIn(domains, name) {
  const domain = domains.find((d) => TERMS[d] && TERMS[d][name]);
  return term(domain || domains[domains.length - 1], name);
}

/** A refusal's title: the API's code translated, else the API's own title. */
export function problemTitle(problem) {
  if (problem.code && TERMS.problem[problem.code]) {
    // Two problems share a code but not a title (an unknown key and a missing one): keep the API's English title then.
    if (locale !== 'zh-CN') return problem.title || term('problem', problem.code);
    return term('problem', problem.code);
  }
  return problem.title || t('problem.default');
}

/**
 * A failing field's message in the console's language, for the messages the contract's validation gives most (a blank
 * text, a missing field, a text too long, a value not offered); any other message as the API wrote it.
 */
export function fieldMessage(message) {
  const m = String(message || '');
  let match;
  if (/^Too small: expected string to have >=1 characters?$/.test(m) || /^Invalid string: must match pattern \/\[\^\\s\\uFEFF\]\/$/.test(m)) return t('err.blank');
  if ((match = /^Too big: expected string to have <=(\d+) characters$/.exec(m))) return t('err.tooLong', { n: match[1] });
  if (/^Invalid input: expected \w+, received undefined$/.test(m)) return t('err.required');
  if (/^Invalid option/.test(m)) return t('err.option');
  if (m === 'unknown field') return t('err.unknown');
  return m;
}

/** A limit as the policy gives it: { workingDays } | { hours } | { minutes }, in that unit. */
export function limitText(limit) {
  if (!limit) return '';
  if (limit.workingDays !== undefined) return t('unit.workingDays', { n: limit.workingDays });
  const seconds = Math.round(limit.hours !== undefined ? limit.hours * 3600 : (limit.minutes ?? 0) * 60);
  if (limit.hours !== undefined && seconds % 3600 === 0) return t('unit.hours', { n: seconds / 3600 });
  if (seconds % 60 === 0) return t('unit.minutes', { n: seconds / 60 });
  return t('unit.seconds', { n: seconds });
}

/** The report API's limit string ("24 h", "1 working day", "30 min", "9 s") in the current language. */
export function limitStringText(text) {
  const m = /^(\d+(?:\.\d+)?) (working days?|h|min|s)$/.exec(String(text || ''));
  if (!m) return text || '—';
  const n = Number(m[1]);
  if (m[2].startsWith('working')) return t('unit.workingDays', { n });
  return t(m[2] === 'h' ? 'unit.hours' : m[2] === 'min' ? 'unit.minutes' : 'unit.seconds', { n });
}

/** A duration in ms in the unit that reads best: 42 s, 12.5 min, 3.2 h, 2.1 d. */
export function durationText(ms) {
  if (ms === null || ms === undefined) return '—';
  if (ms < 60_000) return t('unit.seconds', { n: Math.round(ms / 1000) });
  if (ms < 3_600_000) return t('unit.minutes', { n: (ms / 60_000).toFixed(1) });
  if (ms < 48 * 3_600_000) return t('unit.hours', { n: (ms / 3_600_000).toFixed(1) });
  return t('unit.days', { n: (ms / 86_400_000).toFixed(1) });
}

// ---- time: the platform's zone (the policy calendar's), never the browser's ----

let zone = { timeZone: 'Asia/Shanghai', utcOffsetMinutes: 480 };
export function useTimeZone(config) {
  if (config && config.timeZone) zone = { timeZone: config.timeZone, utcOffsetMinutes: config.utcOffsetMinutes ?? 0 };
}
export const timeZone = () => zone.timeZone;

export function offsetText() {
  const m = zone.utcOffsetMinutes;
  const sign = m < 0 ? '−' : '+';
  const h = Math.floor(Math.abs(m) / 60);
  const min = Math.abs(m) % 60;
  return `UTC${sign}${h}${min ? `:${String(min).padStart(2, '0')}` : ''}`;
}

const partsFormat = new Map();
function parts(ms) {
  let f = partsFormat.get(zone.timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone: zone.timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
    partsFormat.set(zone.timeZone, f);
  }
  return Object.fromEntries(f.formatToParts(new Date(ms)).map((p) => [p.type, p.value]));
}

/** "2026-12-06 09:58:58 UTC+8": the platform zone's wall clock, with the zone. */
export function dateTimeText(ms) {
  if (ms === undefined || ms === null || Number.isNaN(new Date(ms).getTime())) return '—';
  const p = parts(ms);
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second} ${offsetText()}`;
}

export function timeText(ms) {
  const p = parts(ms);
  return `${p.hour}:${p.minute}:${p.second} ${offsetText()}`;
}

/** "2026-12-06T09:58" in the platform zone, for a datetime-local input. */
export function localInputValue(ms) {
  const p = parts(ms);
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}`;
}

/** A datetime-local value read in the platform zone (a fixed offset: China has no daylight saving time). */
export function fromLocalInput(value) {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(value);
  if (!m) return NaN;
  const utc = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6] || 0));
  return utc - zone.utcOffsetMinutes * 60_000;
}
