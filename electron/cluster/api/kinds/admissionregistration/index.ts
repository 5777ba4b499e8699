import type { KindStrategy } from '../../kind';
import { validatingAdmissionPolicyBindingStrategy, validatingAdmissionPolicyStrategy } from './validatingadmissionpolicy';
import { mutatingWebhookConfigurationStrategy, validatingWebhookConfigurationStrategy } from './webhookconfiguration';

export const admissionregistrationKinds: KindStrategy[] = [
  mutatingWebhookConfigurationStrategy,
  validatingAdmissionPolicyStrategy,
  validatingAdmissionPolicyBindingStrategy,
  validatingWebhookConfigurationStrategy,
];
