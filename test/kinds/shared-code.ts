/** The workflow code the extra-kind test's worker shares: the test kinds registered, then the project's shared code. */
import './register-definitions';
import './register-playbooks';

export * from '../../workflows/shared-code';
