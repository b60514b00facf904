/**
 * What a browser could be made to send, and names the hub does not answer to, refused before
 * anything is read or decided:
 *
 * - a `Host` the hub does not serve (a DNS-rebinding page reaching a hub on loopback): 421;
 * - a changing request (POST, PUT, PATCH, DELETE) from a web page of another origin (its `Origin`
 *   header is not one of `allowedOrigins`): 403. Programs (warehouses, channels, curl) send no
 *   `Origin`; a page the hub itself served sends its own;
 * - a changing request with a body that is not labelled `application/json` (a page may send
 *   `text/plain` or a form to any site without asking first): 415; on the paths that take XML
 *   (Qimen's), `text/xml` or `application/xml` instead.
 */
import type { RequestHandler } from 'express';
import { HttpProblem } from './answer.ts';

export type RequestGuardOptions = Readonly<{
  /** host names (no port) the hub answers to; 'any': every name */
  allowedHosts: readonly string[] | 'any';
  /** origins (`https://console.example`) whose pages may change things; the hub's own is always allowed */
  allowedOrigins: readonly string[];
  /** paths whose changing requests carry XML, not JSON (Qimen's endpoint) */
  xmlPaths?: readonly string[];
}>;

const JSON_TYPES = ['application/json'];
const XML_TYPES = ['text/xml', 'application/xml'];

const changing = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** `example.com:3000` → `example.com`, `[::1]:3000` → `[::1]`; lower case. */
export const hostnameOf = (host: string): string => {
  const lower = host.trim().toLowerCase();
  if (lower.startsWith('[')) return lower.slice(0, lower.indexOf(']') + 1);
  const colon = lower.indexOf(':');
  return colon < 0 ? lower : lower.slice(0, colon);
};

/** The media type of a Content-Type header, without its parameters. */
const mediaTypeOf = (contentType: string): string => (contentType.split(';')[0] ?? '').trim().toLowerCase();

const hasBody = (headers: Readonly<Record<string, string | string[] | undefined>>): boolean =>
  headers['transfer-encoding'] !== undefined || (headers['content-length'] !== undefined && headers['content-length'] !== '0');

export const guardRequests =
  ({ allowedHosts, allowedOrigins, xmlPaths = [] }: RequestGuardOptions): RequestHandler =>
  (req, _res, next) => {
    const host = req.headers.host ?? '';
    if (allowedHosts !== 'any' && !allowedHosts.includes(hostnameOf(host)))
      return next(new HttpProblem(421, `this hub does not answer to the host name "${host}" (ALLOWED_HOSTS)`));
    if (!changing.has(req.method)) return next();
    const origin = req.headers.origin;
    if (origin !== undefined && origin !== `${req.protocol}://${host}` && !allowedOrigins.includes(origin))
      return next(new HttpProblem(403, `requests from web pages of ${origin} may not change anything here (ALLOWED_ORIGINS)`));
    const contentType = req.headers['content-type'];
    const accepted = xmlPaths.includes(req.path.toLowerCase().replace(/\/+$/, '')) ? XML_TYPES : JSON_TYPES;
    if (hasBody(req.headers) && (contentType === undefined || !accepted.includes(mediaTypeOf(contentType))))
      return next(
        new HttpProblem(
          415,
          `a body must be sent as Content-Type: ${accepted.join(' or ')} (this one was ${contentType ?? 'not labelled'})`,
          [{ path: 'headers.content-type', message: `must be ${accepted.join(' or ')}` }],
        ),
      );
    return next();
  };
