import { useViewer } from '../console-context';

/** The per-session token every console form posts back (checked with the Origin on each unsafe request). */
export function CsrfField() {
  const viewer = useViewer();
  return viewer ? <input type="hidden" name="_csrf" value={viewer.csrfToken} /> : null;
}
