import type { KindStrategy } from '../../kind';
import { validatingAdmissionPolicyBindingStrategy, validatingAdmissionPolicyStrategy } from './validatingadmissionpolicy';

export const admissionregistrationKinds: KindStrategy[] = [validatingAdmissionPolicyStrategy, validatingAdmissionPolicyBindingStrategy];
