"""What a CAP feed's registration refuses and its polls record as its last error
(`services/feeds.py`, `adapters/guarded_http.py`, the index and the CAP it reads) in the
reader's language: the messages and templates `errors.translate` knows (see `errors`).
A poll's error names its URL ("http://...: why"), several joined by "; "; an index's or
an alert's problem its line and element ("line 9, /feed/entry: why")."""

from __future__ import annotations

from phalanx.web.i18n import N_

FEED_MESSAGES = (
    # why an address is not fetched (`guarded_http.why_refused`)
    N_("an unspecified address"),
    N_("a loopback address"),
    N_("a link-local address"),
    N_("a multicast address"),
    N_("a reserved address"),
    N_("a private network's address"),
    N_("an address that is not globally routable"),
    # a URL not fetched whatever it resolves to (`guarded_http.check_url`)
    N_("only http and https are fetched"),
    N_("no host"),
    N_("an address with a user name or password is not fetched"),
    N_("the port is not a number from 0 to 65535"),
    # a lookup's and a connection's usual failures
    N_("no such name"),
    N_("the name server did not answer"),
    N_("no address"),
    N_("the connection was refused"),
    N_("the connection was reset"),
    N_("the network is unreachable"),
    N_("no route to the host"),
    N_("the server closed the connection without an answer"),
    N_("the answer was cut short"),
    # what an index or an alert it lists does not give
    N_("an entry with neither a CAP alert nor a link to one, skipped"),
    N_("a CAP alert outside any <entry>, ignored"),
    N_("an item without a link to a CAP alert, skipped"),
    N_("a contentObject without an embedded CAP alert, skipped"),
    N_("a distribution without an embedded CAP alert"),
    N_("neither a CAP alert nor an Atom or RSS index of alerts"),
    N_("not a CAP alert (expected an <alert> in the CAP 1.2, 1.1 or 1.0 namespace)"),
    N_("required element is missing or empty (the alert means nothing without it)"),
    # the XML parser's (expat's) usual reasons
    N_("no element found"),
    N_("mismatched tag"),
    N_("not well-formed (invalid token)"),
    N_("junk after document element"),
    N_("unclosed token"),
    N_("syntax error"),
    N_("undefined entity"),
    N_("unbound prefix"),
    N_("duplicate attribute"),
    N_("unclosed CDATA section"),
    N_("partial character"),
    N_("unknown encoding"),
)

FEED_TEMPLATES = (
    # where: a URL fetched (or redirected), an element of an index or an alert
    N_("%(url)s (redirected to %(redirect)s): %(problem)s"),
    N_("%(url)s: %(problem)s"),
    N_("line %(line)s, %(path)s: %(problem)s"),
    N_("%(path)s: %(problem)s"),
    # an address or port refused, at registration and at each request
    N_("%(host)s resolves to %(address)s, %(why)s, which feeds may not reach (networks "
       "allowed anyway are set by %(setting)s)"),
    N_("%(address)s is %(why)s, which feeds may not reach (networks allowed anyway are "
       "set by %(setting)s)"),
    N_("port %(port)s is not %(scheme)s's default (%(default)s), which feeds may not reach "
       "(ports allowed anyway are set by %(setting)s)"),
    N_("cannot resolve %(host)s: %(lookup)s"),
    N_("when registered, %(problem)s (each poll checks the address again)"),
    # what the server answered, or did not
    N_("HTTP %(status)s without a Location"),
    N_("HTTP %(status)s %(reason)s"),
    N_("more than %(n)s redirects"),
    N_("more than %(n)s bytes (%(size)s)"),
    N_("more than %(n)s bytes"),
    N_("not read within %(n)s seconds"),
    N_("the server did not answer within %(n)s seconds"),
    N_("the connection was not made within the fetch's time: %(problem)s"),
    N_("the server's certificate is not accepted: %(detail)s"),
    N_("not an HTTP answer (%(detail)s)"),
    N_("unexpected error: %(detail)s"),
    # what was read
    N_("not well-formed XML: %(xml_error)s: line %(line)s, column %(column)s"),
    N_("not well-formed XML: %(detail)s"),
    N_("refused: a DOCTYPE or entity declaration is not allowed in an alert (%(detail)s)"),
    N_("%(value)s is not a CAP status (%(values)s)"),
    N_("%(value)s is not a CAP message type (%(values)s)"),
)
