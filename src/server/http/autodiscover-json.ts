// autodiscover.json, as Outlook for iOS and Android and new Outlook ask it: which Autodiscover
// URL to use for a protocol. Only AutodiscoverV1 (POX, pox.ts) is served; any other protocol
// gets the InvalidProtocol error that Exchange Online and other servers answer.

export const JSON_TYPE = 'application/json; charset=utf-8';

export function autodiscoverJson(domain: string, protocol: string | undefined): { status: number; body: string } {
  if (protocol !== undefined && protocol.toLowerCase() === 'autodiscoverv1') {
    return { status: 200, body: JSON.stringify({ Protocol: 'AutodiscoverV1', Url: `https://autodiscover.${domain}/autodiscover/autodiscover.xml` }) };
  }
  const shown = protocol ?? '';
  return {
    status: 400,
    body: JSON.stringify({ ErrorCode: 'InvalidProtocol', ErrorMessage: `The given protocol value '${shown}' is invalid. Supported values are 'AutodiscoverV1'` }),
  };
}
