// A zone holding one record of every type with a codec, as zone-file lines (origin example.com.).
const KEY64 = Buffer.alloc(64, 7).toString('base64');
const HEX32 = 'ab'.repeat(32);

export const EVERY_TYPE_ZONE = `
@ 3600 SOA ns1 hostmaster 2026120501 7200 3600 1209600 300
@ NS ns1
@ NS ns2.example.net.
@ MX 10 mail
@ TXT "v=spf1 mx -all"
@ CAA 0 issue "letsencrypt.org"
@ NAPTR 100 10 "S" "SIP+D2U" "" _sip._udp
@ HTTPS 1 . alpn=h2,h3 port=443 ipv4hint=192.0.2.10
@ DNSKEY 257 3 13 ${KEY64}
@ CDNSKEY 257 3 13 ${KEY64}
@ CDS 12345 13 2 ${HEX32}
@ NSEC3PARAM 1 0 0 -
@ RRSIG SOA 13 2 3600 20261220000000 20261201000000 12345 example.com. ${KEY64}
@ NSEC mail.example.com. NS SOA MX TXT RRSIG NSEC DNSKEY
ns1 A 192.0.2.53
mail A 192.0.2.10
mail AAAA 2001:db8::10
mail SSHFP 4 2 ${HEX32}
_25._tcp.mail TLSA 3 1 1 ${HEX32}
4a5b._smimecert SMIMEA 3 0 1 ${HEX32}
4a5b._openpgpkey OPENPGPKEY ${KEY64}
_imaps._tcp SRV 0 1 993 mail
_imaps._tcp URI 10 1 "imaps://mail.example.com/"
_dns SVCB 1 mail alpn=dot port=853
www HTTPS 0 mail
host PTR mail
alias CNAME mail
sub NS ns.sub
ns.sub A 192.0.2.99
sub DS 12345 13 2 ${HEX32}
`;
