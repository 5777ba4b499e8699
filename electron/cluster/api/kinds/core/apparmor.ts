// securityContext.appArmorProfile of pods and containers (upstream's ValidateAppArmorProfileField). Like a pod's
// image, a localhost profile name padded with whitespace names nothing the node has, so it is refused up front.
import { type FieldError, invalid, notSupported, required, tooLong } from '../../errors';

const TYPES = ['Localhost', 'RuntimeDefault', 'Unconfined'];
// PATH_MAX - 1: the profile is a file name on the node
const MAX_LOCALHOST_PROFILE = 4095;

export function validateAppArmorProfile(profile: any, path: string): FieldError[] {
  if (profile === undefined || profile === null || typeof profile !== 'object') return [];
  const errs: FieldError[] = [];
  const lp = profile.localhostProfile;
  switch (profile.type) {
    case 'Localhost':
      if (typeof lp !== 'string') {
        errs.push(required(`${path}.localhostProfile`, 'must be set when AppArmor type is Localhost'));
        break;
      }
      if (lp.trim() !== lp) errs.push(invalid(`${path}.localhostProfile`, lp, 'must not be padded with whitespace'));
      else if (lp === '') errs.push(required(`${path}.localhostProfile`, 'must be set when AppArmor type is Localhost'));
      if (lp.length > MAX_LOCALHOST_PROFILE) errs.push(tooLong(`${path}.localhostProfile`, '', MAX_LOCALHOST_PROFILE));
      break;
    case 'RuntimeDefault':
    case 'Unconfined':
      if (lp !== undefined && lp !== null) errs.push(invalid(`${path}.localhostProfile`, lp, 'can only be set when AppArmor type is Localhost'));
      break;
    case undefined:
    case null:
    case '':
      errs.push(required(`${path}.type`, 'type is required when appArmorProfile is set'));
      break;
    default:
      errs.push(notSupported(`${path}.type`, profile.type, TYPES));
  }
  return errs;
}
