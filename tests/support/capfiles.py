"""CAP files the tests write themselves: hostile input and small alerts, so that these
tests never depend on the shared fixtures."""

from __future__ import annotations

# an external-entity attack as such files arrive: remote DTD, parameter entities, a file
XXE = b"""<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE alert PUBLIC "-//A/B/EN" "http://127.0.0.1:9/payload1.dtd" [
  <!ENTITY % remote SYSTEM "http://127.0.0.1:9/payload2">
  <!ENTITY xxe SYSTEM "http://127.0.0.1:9/payload3">
  <!ENTITY % file SYSTEM "file:///etc/passwd">
  %remote;
]>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">
 <identifier>KSTO1055887203</identifier>
 <sender>KSTO@NWS.NOAA.GOV</sender>
 <sent>2003-06-17T14:57:00-07:00</sent>
 <status>Actual</status>
 <msgType>Alert</msgType>
 <scope>Public</scope>
 <info>
   <category>Met</category>
   <event>SEVERE THUNDERSTORM</event>
   <urgency>Immediate</urgency>
   <severity>Severe</severity>
   <certainty>Observed</certainty>
   <headline>SEVERE THUNDERSTORM WARNING&xxe;</headline>
   <area><areaDesc>ALPINE COUNTY&xxe;</areaDesc></area>
 </info>
</alert>
"""

# a plain CAP 1.2 alert in the shape of the OASIS specification's first example
ALERT = b"""<?xml version="1.0" encoding="UTF-8"?>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">
  <identifier>43b080713727</identifier>
  <sender>hsas@dhs.gov</sender>
  <sent>2003-04-02T14:39:01-05:00</sent>
  <status>Actual</status>
  <msgType>Alert</msgType>
  <scope>Public</scope>
  <info>
    <category>Security</category>
    <event>Homeland Security Advisory System Update</event>
    <urgency>Immediate</urgency>
    <severity>Severe</severity>
    <certainty>Likely</certainty>
    <senderName>U.S. Government, Department of Homeland Security</senderName>
    <headline>Homeland Security Sets Code ORANGE</headline>
    <description>The Department of Homeland Security has elevated the Homeland Security
Advisory System threat level to ORANGE / High in response to intelligence.</description>
    <area>
      <areaDesc>U.S. nationwide and interests worldwide</areaDesc>
    </area>
  </info>
</alert>
"""

NS = {"1.2": "urn:oasis:names:tc:emergency:cap:1.2",
      "1.1": "urn:oasis:names:tc:emergency:cap:1.1",
      "1.0": "http://www.incident.com/cap/1.0"}
HEADER = ("<identifier>{identifier}</identifier><sender>{sender}</sender>"
          "<sent>{sent}</sent><status>{status}</status><msgType>{msg_type}</msgType>"
          "<scope>Public</scope>")
AREA = ("<area><areaDesc>{area}</areaDesc>"
        "<polygon>{polygon}</polygon></area>")
INFO = ("<info><language>{language}</language><category>{category}</category>"
        "<event>{event}</event><urgency>{urgency}</urgency><severity>{severity}</severity>"
        "<certainty>{certainty}</certainty><headline>{headline}</headline>"
        "<description>{description}</description>{areas}</info>")
SQUARE = "43.0,74.0 43.0,75.0 42.0,75.0 42.0,74.0 43.0,74.0"  # near Bishkek


def info(headline: str = "Earthquake near Bishkek", *, language: str = "en-US",
         category: str = "Geo", event: str = "Earthquake", severity: str = "Severe",
         urgency: str = "Immediate", certainty: str = "Observed",
         description: str = "", polygons: tuple[str, ...] = (SQUARE,),
         area: str = "Chuy region", raw_areas: str | None = None) -> str:
    areas = raw_areas if raw_areas is not None else "".join(
        AREA.format(area=area, polygon=p) for p in polygons)
    return INFO.format(language=language, category=category, event=event,
                       severity=severity, urgency=urgency, certainty=certainty,
                       headline=headline, description=description,
                       areas=areas)


def alert(*infos: str, identifier: str = "KG-2026-0001", sender: str = "mchs@gov.kg",
          sent: str = "2026-11-20T06:00:00+06:00", status: str = "Actual",
          msg_type: str = "Alert", references: str = "", version: str = "1.2",
          header: str | None = None, extra: str = "") -> bytes:
    """A CAP alert as the tests need it; `header` replaces the alert's first elements
    as written (to put them out of order or leave one out)."""
    head = header if header is not None else HEADER.format(
        identifier=identifier, sender=sender, sent=sent, status=status, msg_type=msg_type)
    refs = f"<references>{references}</references>" if references else ""
    body = head + refs + extra + "\n" + "\n".join(infos or (info(),)) + "\n"
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<alert xmlns="{NS[version]}">'
            f"{body}</alert>\n").encode()


def edxl(*alerts: bytes) -> bytes:
    """An EDXL-DE 1.0 distribution embedding `alerts`, one contentObject each."""
    objects = "".join(
        "<contentObject><xmlContent><embeddedXMLContent>"
        + a.decode().split("?>", 1)[-1].strip()
        + "</embeddedXMLContent></xmlContent></contentObject>" for a in alerts)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<EDXLDistribution xmlns="urn:oasis:names:tc:emergency:EDXL:DE:1.0">'
            "<distributionID>D-1</distributionID><senderID>mchs@gov.kg</senderID>"
            "<dateTimeSent>2026-11-20T06:00:00+06:00</dateTimeSent>"
            "<distributionStatus>Actual</distributionStatus>"
            "<distributionType>Report</distributionType>"
            "<combinedConfidentiality>UNCLASSIFIED</combinedConfidentiality>"
            f"{objects}</EDXLDistribution>\n").encode()
