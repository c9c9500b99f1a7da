-- The committee of an org in office on a day (the 基层组织 and 党组织书记
-- statistics forms, issue 16): each org's committees by election date, so the
-- form reads one short range per org instead of scanning every committee.
CREATE INDEX org_committee_org_elected ON org_committee (org_id, elected_on);
