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
