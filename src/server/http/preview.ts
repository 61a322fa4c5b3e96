// `discodns autoconfig EMAIL --format F`: what a client asking about EMAIL would receive, made
// by sending route() the request that client sends, through the same code the server runs.

import { NS_OUTLOOK, NS_REQUEST } from './pox.js';
import { route, type Format, type HttpAnswer, type HttpRequestView, type ZoneFinder } from './router.js';

/** The request a typical client of each format sends for `email` (Thunderbird, Outlook, Outlook mobile, an iPhone's browser, a PACC client). */
export function clientRequest(format: Format, email: string): HttpRequestView {
  const domain = email.slice(email.lastIndexOf('@') + 1);
  const q = encodeURIComponent(email);
  switch (format) {
    case 'mozilla':
      return { method: 'GET', url: `/mail/config-v1.1.xml?emailaddress=${q}`, host: `autoconfig.${domain}` };
    case 'pox':
      return { method: 'POST', url: '/autodiscover/autodiscover.xml', host: `autodiscover.${domain}`, body: poxRequestBody(email) };
    case 'json':
      return { method: 'GET', url: `/autodiscover/autodiscover.json?Email=${q}&Protocol=AutodiscoverV1`, host: `autodiscover.${domain}` };
    case 'apple':
      return { method: 'GET', url: `/apple/${q}.mobileconfig`, host: `autoconfig.${domain}` };
    case 'pacc':
      return { method: 'GET', url: '/.well-known/user-agent-configuration.json', host: `ua-auto-config.${domain}` };
  }
}

/** The body Outlook and Thunderbird POST (MS-OXDSCLI 2.2.4.1). */
export function poxRequestBody(email: string): string {
  const text = email.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return `<?xml version="1.0" encoding="utf-8"?>
<Autodiscover xmlns="${NS_REQUEST}">
  <Request>
    <EMailAddress>${text}</EMailAddress>
    <AcceptableResponseSchema>${NS_OUTLOOK}</AcceptableResponseSchema>
  </Request>
</Autodiscover>
`;
}

export function preview(zones: ZoneFinder, format: Format, email: string): HttpAnswer {
  return route(zones, clientRequest(format, email));
}
