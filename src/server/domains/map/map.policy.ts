import booleanPointInPolygon from '@turf/boolean-point-in-polygon';
import type { PolygonGeometry } from '../../../contracts/map';

// Pure geometry and rules of the party-building map: bounds and the label
// point of a polygon, point in polygon (turf), the cluster cell of a zoom,
// distances, the 统一社会信用代码 check digit, and the blind-spot test of a grid.

export interface Bounds {
  minLng: number;
  minLat: number;
  maxLng: number;
  maxLat: number;
}

/** The outer rings of a Polygon or MultiPolygon. */
function outerRings(g: PolygonGeometry): Array<Array<[number, number]>> {
  return g.type === 'Polygon' ? [g.coordinates[0]] : g.coordinates.map((p) => p[0]);
}

export function boundsOf(g: PolygonGeometry): Bounds {
  let minLng = Infinity;
  let minLat = Infinity;
  let maxLng = -Infinity;
  let maxLat = -Infinity;
  for (const ring of outerRings(g)) {
    for (const [lng, lat] of ring) {
      minLng = Math.min(minLng, lng);
      maxLng = Math.max(maxLng, lng);
      minLat = Math.min(minLat, lat);
      maxLat = Math.max(maxLat, lat);
    }
  }
  return { minLng, minLat, maxLng, maxLat };
}

/** Area (shoelace, in square degrees) and centroid of one ring, computed relative to its first point (large coordinates lose digits otherwise). */
function ringCentroid(ring: Array<[number, number]>): { area: number; lng: number; lat: number } {
  const [ox, oy] = ring[0];
  let a = 0;
  let cx = 0;
  let cy = 0;
  for (let i = 0; i < ring.length - 1; i++) {
    const x0 = ring[i][0] - ox;
    const y0 = ring[i][1] - oy;
    const x1 = ring[i + 1][0] - ox;
    const y1 = ring[i + 1][1] - oy;
    const f = x0 * y1 - x1 * y0;
    a += f;
    cx += (x0 + x1) * f;
    cy += (y0 + y1) * f;
  }
  a /= 2;
  if (Math.abs(a) < 1e-15) {
    const n = ring.length;
    return { area: 0, lng: ring.reduce((s, p) => s + p[0], 0) / n, lat: ring.reduce((s, p) => s + p[1], 0) / n };
  }
  return { area: Math.abs(a), lng: ox + cx / (6 * a), lat: oy + cy / (6 * a) };
}

/**
 * Where a polygon's label and its "is this grid inside a zone" test sit: the
 * centroid of its largest outer ring when that lies inside the polygon, else
 * the middle of the ring's first edge nudged inwards (concave shapes).
 */
export function labelPointOf(g: PolygonGeometry): { lng: number; lat: number } {
  const rings = outerRings(g);
  const best = rings.map(ringCentroid).reduce((a, b) => (b.area > a.area ? b : a));
  if (pointInGeometry(best.lng, best.lat, g)) return { lng: best.lng, lat: best.lat };
  const ring = rings[0];
  for (let i = 0; i < ring.length - 1; i++) {
    const mid = { lng: (ring[i][0] + ring[i + 1][0]) / 2, lat: (ring[i][1] + ring[i + 1][1]) / 2 };
    const towards = { lng: mid.lng + (best.lng - mid.lng) * 0.01, lat: mid.lat + (best.lat - mid.lat) * 0.01 };
    if (pointInGeometry(towards.lng, towards.lat, g)) return towards;
  }
  return { lng: ring[0][0], lat: ring[0][1] };
}

export function pointInGeometry(lng: number, lat: number, g: PolygonGeometry): boolean {
  return booleanPointInPolygon([lng, lat], g);
}

/**
 * What a polygon must satisfy beyond its schema: every ring closed (first
 * point = last), at least three distinct corners, and a non-zero area. The
 * message names the ring, in Chinese; null when the polygon is fine.
 */
export function geometryProblem(g: PolygonGeometry): string | null {
  const polygons = g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
  for (const [pi, rings] of polygons.entries()) {
    for (const [ri, ring] of rings.entries()) {
      const where = polygons.length > 1 ? `第${pi + 1}个多边形的第${ri + 1}个环` : `第${ri + 1}个环`;
      const first = ring[0];
      const last = ring[ring.length - 1];
      if (first[0] !== last[0] || first[1] !== last[1]) return `${where}未闭合（首尾两点应相同）`;
      const distinct = new Set(ring.slice(0, -1).map(([x, y]) => `${x},${y}`));
      if (distinct.size < 3) return `${where}少于 3 个不同的顶点`;
      if (ringCentroid(ring).area === 0) return `${where}面积为零`;
    }
  }
  return null;
}

/** Tiles are 256 px: one cluster cell is about 64 px wide at this zoom (in degrees). */
export function cellSizeFor(zoom: number): number {
  return 360 / 2 ** zoom / 4;
}

/** Great-circle distance in kilometres (haversine; the Earth's mean radius). */
export function distanceKm(a: { lng: number; lat: number }, b: { lng: number; lat: number }): number {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLng = (b.lng - a.lng) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLng / 2) ** 2;
  return 2 * 6371.0088 * Math.asin(Math.min(1, Math.sqrt(h)));
}

// GB 32100-2015: 统一社会信用代码, 18 characters from 0–9 and the capitals
// without I, O, Z, S, V; the last is a check character over the first 17.
const CODE_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const CODE_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

export function creditCodeValid(code: string): boolean {
  if (!/^[0-9A-HJ-NPQRTUWXY]{18}$/.test(code)) return false;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += CODE_CHARS.indexOf(code[i]) * CODE_WEIGHTS[i];
  const check = (31 - (sum % 31)) % 31;
  return CODE_CHARS[check] === code[17];
}

/** The check character that completes the first 17 characters of a credit code (demo data and tests). */
export function creditCodeCheck(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += CODE_CHARS.indexOf(first17[i]) * CODE_WEIGHTS[i];
  return CODE_CHARS[(31 - (sum % 31)) % 31];
}

export interface ZoneShape {
  geometry: PolygonGeometry;
  bounds: Bounds;
}

/**
 * A grid is a blind spot (党建盲区) when no party organisation answers for it:
 * it has no responsible org and its label point lies in no 党建责任区.
 */
export function gridCovered(grid: { responsibleOrgId: string | null; centerLng: number; centerLat: number }, zones: ZoneShape[]): boolean {
  if (grid.responsibleOrgId) return true;
  return zones.some((z) => grid.centerLng >= z.bounds.minLng && grid.centerLng <= z.bounds.maxLng && grid.centerLat >= z.bounds.minLat && grid.centerLat <= z.bounds.maxLat
    && pointInGeometry(grid.centerLng, grid.centerLat, z.geometry));
}

/** The nearest of some points (null when there are none). */
export function nearest<T extends { lng: number; lat: number }>(from: { lng: number; lat: number }, points: T[]): { point: T; km: number } | null {
  let best: { point: T; km: number } | null = null;
  for (const p of points) {
    const km = distanceKm(from, p);
    if (!best || km < best.km) best = { point: p, km };
  }
  return best;
}

/**
 * The origin a tile URL template loads images from, for the page's
 * Content-Security-Policy (img-src): `https://t{s}.example.org/{z}/{x}/{y}`
 * gives `https://*.example.org`. Null when there is no template.
 */
export function tileOrigin(template: string | null): string | null {
  if (!template) return null;
  const m = /^(https?):\/\/([^/]+)/.exec(template);
  if (!m) return null;
  const host = m[2].split('.').map((label) => (/[{}]/.test(label) ? '*' : label)).join('.');
  return `${m[1]}://${host}`;
}
