-- The party-building map (党建云图, issue 15): grids (网格) and 党建责任区 as
-- polygons, the 两新组织 registered in a grid, and an index for the viewport
-- reads of org points. Coordinates are WGS84 / CGCS2000 longitude and latitude
-- (the two differ by centimetres); GCJ-02 appears only in the browser, when a
-- basemap in that system is configured.

-- A grid (网格) or a responsibility zone (党建责任区). `org_id` is the
-- committee that keeps the area (its scope); `responsible_org_id` the party
-- organisation responsible for it (for a grid: the 网格党支部 or the
-- organisation linked to it; for a zone: the org the zone is assigned to).
-- The geometry is a GeoJSON Polygon or MultiPolygon; its bounding box and a
-- representative point are kept beside it for viewport reads.
CREATE TABLE map_area (
  id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  kind                text NOT NULL CHECK (kind IN ('grid', 'zone')),
  org_id              uuid NOT NULL REFERENCES org(id),
  responsible_org_id  uuid REFERENCES org(id),
  name                text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  code                text CHECK (length(code) BETWEEN 1 AND 50),
  residents           integer CHECK (residents >= 0),
  households          integer CHECK (households >= 0),
  geometry            jsonb NOT NULL,
  min_lng             double precision NOT NULL,
  min_lat             double precision NOT NULL,
  max_lng             double precision NOT NULL,
  max_lat             double precision NOT NULL,
  center_lng          double precision NOT NULL,
  center_lat          double precision NOT NULL,
  note                text,
  created_by          uuid REFERENCES account(id),
  created_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now(),
  deleted_at          timestamptz,
  version             integer NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX map_area_code ON map_area (org_id, kind, code) WHERE code IS NOT NULL AND deleted_at IS NULL;
CREATE INDEX map_area_org ON map_area (org_id) WHERE deleted_at IS NULL;
CREATE INDEX map_area_responsible ON map_area (responsible_org_id) WHERE deleted_at IS NULL;

-- A unit registered in a grid (两新组织: 非公有制企业 and 社会组织), imported
-- from the grid management's Excel. `party_org_id` is its party organisation
-- (its own, or the joint branch that covers it); none is a blind spot.
CREATE TABLE map_unit (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id          uuid NOT NULL REFERENCES org(id),
  grid_id         uuid REFERENCES map_area(id),
  party_org_id    uuid REFERENCES org(id),
  name            text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  credit_code     text CHECK (credit_code ~ '^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$'),
  kind            text NOT NULL CHECK (kind IN ('enterprise', 'social')),
  employees       integer CHECK (employees >= 0),
  party_members   integer CHECK (party_members >= 0),
  address         text,
  lng             double precision,
  lat             double precision,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX map_unit_credit_code ON map_unit (org_id, credit_code) WHERE credit_code IS NOT NULL;
CREATE UNIQUE INDEX map_unit_name ON map_unit (org_id, name) WHERE credit_code IS NULL;
CREATE INDEX map_unit_grid ON map_unit (grid_id);

-- Viewport reads of org points (B10: 150,000 points).
CREATE INDEX org_lng_lat ON org (lng, lat) WHERE dissolved_on IS NULL AND lng IS NOT NULL AND lat IS NOT NULL;
