/**
 * Policy versions in the store, never edited in place: each version is written once under its name, and activations
 * are an append-only log (who, when, why) whose latest entry names the active version.
 */
import mongoose, { Schema } from 'mongoose';
import type { PolicyRules } from '../../workflows/policy-rules';

export interface PolicyVersionDocument {
  _id: string;
  rules: PolicyRules;
  createdAt: Date;
  createdBy: string;
  reason: string;
}

export interface PolicyEventDocument {
  version: string;
  action: 'created' | 'activated';
  at: Date;
  by: string;
  reason: string;
}

const versionSchema = new Schema<PolicyVersionDocument>(
  { _id: { type: String, required: true }, rules: { type: Schema.Types.Mixed, required: true }, createdAt: { type: Date, required: true }, createdBy: { type: String, required: true }, reason: { type: String, required: true } },
  { collection: 'policy_versions', versionKey: false, minimize: false },
);

const eventSchema = new Schema<PolicyEventDocument>(
  { version: { type: String, required: true }, action: { type: String, required: true }, at: { type: Date, required: true }, by: { type: String, required: true }, reason: { type: String, required: true } },
  { collection: 'policy_events', versionKey: false },
);
eventSchema.index({ action: 1, at: -1 });

export const policyVersionModel = (conn: mongoose.Connection) => conn.models.PolicyVersion ?? conn.model<PolicyVersionDocument>('PolicyVersion', versionSchema);
export const policyEventModel = (conn: mongoose.Connection) => conn.models.PolicyEvent ?? conn.model<PolicyEventDocument>('PolicyEvent', eventSchema);

/** Writes a new version; false when the name is taken (a version is never replaced). */
export async function insertPolicyVersion(conn: mongoose.Connection, rules: PolicyRules, by: string, reason: string): Promise<boolean> {
  const at = new Date();
  try {
    await policyVersionModel(conn).create({ _id: rules.version, rules, createdAt: at, createdBy: by, reason });
  } catch (err) {
    if ((err as { code?: number }).code === 11000) return false;
    throw err;
  }
  await policyEventModel(conn).create({ version: rules.version, action: 'created', at, by, reason });
  return true;
}

export async function findPolicyVersion(conn: mongoose.Connection, version: string): Promise<PolicyVersionDocument | null> {
  return policyVersionModel(conn).findById(version).lean<PolicyVersionDocument>().exec();
}

export async function listPolicyVersions(conn: mongoose.Connection): Promise<PolicyVersionDocument[]> {
  return policyVersionModel(conn).find({}).sort({ createdAt: -1 }).limit(500).lean<PolicyVersionDocument[]>().exec();
}

export async function policyEvents(conn: mongoose.Connection): Promise<PolicyEventDocument[]> {
  return policyEventModel(conn).find({}, { _id: 0 }).sort({ at: -1 }).limit(500).lean<PolicyEventDocument[]>().exec();
}

export async function recordActivation(conn: mongoose.Connection, version: string, by: string, reason: string): Promise<void> {
  await policyEventModel(conn).create({ version, action: 'activated', at: new Date(), by, reason });
}

/** The rules of the active version, or null while none was ever activated (the file and environment's policy applies). */
export async function activePolicyRules(conn: mongoose.Connection): Promise<PolicyRules | null> {
  const latest = await policyEventModel(conn).findOne({ action: { $eq: 'activated' } }).sort({ at: -1, _id: -1 }).lean<PolicyEventDocument>().exec();
  if (!latest) return null;
  return (await findPolicyVersion(conn, latest.version))?.rules ?? null;
}
