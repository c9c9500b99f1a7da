import { useEffect, useMemo, useRef, useState } from 'react';
import { useSearchParams } from 'react-router';
import { App, AutoComplete, Button, Card, Checkbox, Descriptions, Form, Input, InputNumber, List, Modal, Radio, Segmented, Space, Tag, Typography, Upload } from 'antd';
import { AimOutlined, DeleteOutlined, DownloadOutlined, EditOutlined, FormOutlined, UploadOutlined } from '@ant-design/icons';
import L from 'leaflet';
import '@geoman-io/leaflet-geoman-free';
import 'leaflet/dist/leaflet.css';
import '@geoman-io/leaflet-geoman-free/dist/leaflet-geoman.css';
import gcoord from 'gcoord';
import { ORG_TYPES } from '../../../contracts/dict';
import { INDEX_BANDS } from '../../../contracts/branch-index';
import { AREA_KINDS, BLIND_SPOT_KINDS, MAP_UNIT_KINDS, type AreaKind, type PolygonGeometry } from '../../../contracts/map';
import { errorMessage } from '../../shared/api';
import { applyServerErrors } from '../../shared/form-errors';
import { usePageOrg } from '../../shared/current-org';
import { can, useMe } from '../../shared/session';
import { EmptyState, ErrorState, PageLoading } from '../../shared/states';
import { useDebounced } from '../../shared/use-debounced';
import { usePageTitle } from '../../shared/use-title';
import { OrgTreeSelect } from '../org/OrgTreeSelect';
import {
  downloadUnitTemplate, importAreas, importUnits, searchMap, useBlindSpots, useDeleteArea, useMapConfig, useMapLayer, useMoveOrg, useOrgCard, useSaveArea,
  type MapAreaFeature, type MapConfig, type View,
} from './api';
import './map.css';

// 党建云图: the org points of the chosen subtree (clustered on the server when
// many), grids and 党建责任区 as polygons (drawn, edited and imported here),
// member density by cell (from rollups), 两新组织 and key projects; an org
// card on click; search; the blind spots with the facts behind them. The
// basemap is plain (offline) unless a tile URL is configured; GCJ-02 tiles get
// the WGS84 data shifted for drawing, and drawn shapes shifted back.

type Toggle = 'orgs' | 'grids' | 'zones' | 'density' | 'units' | 'projects';
const TOGGLES: Record<Toggle, string> = { orgs: '党组织', grids: '网格', zones: '党建责任区', density: '党员密度', units: '两新组织', projects: '重点项目' };
const BAND_COLORS: Record<string, string> = { advanced: '#c8161d', good: '#d48806', fair: '#1677ff', lagging: '#8c8c8c' };
const LEVEL_COLORS: Record<string, string> = { error: '#cf1322', warning: '#d48806', info: '#1677ff' };
const DEFAULT_CENTER = { lng: 113.7, lat: 28.5 };

type Shift = (p: [number, number]) => [number, number];
function shifts(config: MapConfig | undefined): { toView: Shift; fromView: Shift } {
  if (config?.tileUrl && config.tileCrs === 'gcj02') {
    return {
      toView: (p) => gcoord.transform(p, gcoord.WGS84, gcoord.GCJ02) as [number, number],
      fromView: (p) => gcoord.transform(p, gcoord.GCJ02, gcoord.WGS84) as [number, number],
    };
  }
  return { toView: (p) => p, fromView: (p) => p };
}

function mapGeometry(g: PolygonGeometry, f: Shift): PolygonGeometry {
  const ring = (r: Array<[number, number]>) => r.map((p) => f(p).map((x) => +x.toFixed(7)) as [number, number]);
  return g.type === 'Polygon' ? { type: 'Polygon', coordinates: g.coordinates.map(ring) } : { type: 'MultiPolygon', coordinates: g.coordinates.map((poly) => poly.map(ring)) };
}

const latLng = (toView: Shift, lng: number, lat: number) => {
  const [x, y] = toView([lng, lat]);
  return L.latLng(y, x);
};

type Selected = { kind: 'org'; id: string } | { kind: 'area'; area: MapAreaFeature } | null;

export function MapPage() {
  usePageTitle('党建云图');
  const config = useMapConfig();
  if (config.isPending) return <PageLoading />;
  if (config.isError) return <ErrorState error={config.error} onRetry={() => config.refetch()} title="地图设置加载失败" />;
  return <MapWorkspace config={config.data} />;
}

function MapWorkspace({ config }: { config: MapConfig }) {
  const { message, modal } = App.useApp();
  const me = useMe().data;
  const orgId = usePageOrg();
  const [params] = useSearchParams();
  const mayEdit = can(me, 'org.update');
  const { toView, fromView } = useMemo(() => shifts(config), [config]);
  const box = useRef<HTMLDivElement>(null);
  const mapRef = useRef<L.Map | null>(null);
  const groups = useRef<Record<Toggle, L.LayerGroup> | null>(null);
  const areaLayers = useRef(new Map<string, L.Polygon>());
  const [view, setView] = useState<View | null>(null);
  const [on, setOn] = useState<Toggle[]>(['orgs', 'grids', 'zones', 'units', 'projects']);
  const [selected, setSelected] = useState<Selected>(null);
  const [placing, setPlacing] = useState(false);
  const [editing, setEditing] = useState<string | null>(null);
  const [drawn, setDrawn] = useState<{ geometry: PolygonGeometry; area?: MapAreaFeature } | null>(null);
  const [tab, setTab] = useState<'card' | 'blind'>(params.get('tab') === 'blind' ? 'blind' : 'card');
  const [importing, setImporting] = useState<'areas' | 'units' | null>(null);

  const isOn = (t: Toggle) => on.includes(t);
  const orgs = useMapLayer('orgs', orgId, view, isOn('orgs'));
  const areas = useMapLayer('areas', orgId, view, isOn('grids') || isOn('zones'));
  const density = useMapLayer('density', orgId, view, isOn('density'));
  const units = useMapLayer('units', orgId, view, isOn('units'));
  const projects = useMapLayer('projects', orgId, view, isOn('projects'));
  const move = useMoveOrg();

  // the map itself: created once, its view reported (rounded) on every move
  useEffect(() => {
    if (!box.current || mapRef.current) return;
    const at = params.get('at')?.split(',').map(Number);
    const start = at && at.length === 2 && at.every(Number.isFinite) ? { lng: at[0], lat: at[1] } : (config.center ?? DEFAULT_CENTER);
    const map = L.map(box.current, { zoomControl: true, attributionControl: !!config.tileUrl, preferCanvas: true }).setView(latLng(toView, start.lng, start.lat), at ? 14 : 11);
    if (config.tileUrl) L.tileLayer(config.tileUrl, { attribution: config.attribution ?? '', subdomains: '01234567', maxZoom: 18 }).addTo(map);
    L.control.scale({ imperial: false }).addTo(map);
    map.pm.setLang('zh');
    const g = { orgs: L.layerGroup(), grids: L.layerGroup(), zones: L.layerGroup(), density: L.layerGroup(), units: L.layerGroup(), projects: L.layerGroup() };
    // zones under grids under density under points
    for (const k of ['zones', 'grids', 'density', 'units', 'projects', 'orgs'] as Toggle[]) g[k].addTo(map);
    groups.current = g;
    const report = () => {
      const b = map.getBounds();
      const sw = fromView([b.getWest(), b.getSouth()]);
      const ne = fromView([b.getEast(), b.getNorth()]);
      const clamp = (x: number, lim: number) => Math.max(-lim, Math.min(lim, x));
      const bbox = [clamp(sw[0], 180), clamp(sw[1], 90), clamp(ne[0], 180), clamp(ne[1], 90)].map((x) => x.toFixed(4)).join(',');
      setView({ bbox, zoom: map.getZoom() });
    };
    map.on('moveend', report);
    report();
    mapRef.current = map;
    return () => {
      map.remove();
      mapRef.current = null;
    };
  }, []);

  // drawing a new area: geoman's polygon tool, the shape handed to the form
  useEffect(() => {
    const map = mapRef.current;
    if (!map) return;
    const created = (e: { layer: L.Layer }) => {
      const geo = (e.layer as L.Polygon).toGeoJSON().geometry as PolygonGeometry;
      map.removeLayer(e.layer);
      setDrawn({ geometry: mapGeometry(geo, fromView) });
    };
    map.on('pm:create', created);
    return () => {
      map.off('pm:create', created);
    };
  }, [fromView]);

  // placing the selected org: the next click on the map
  useEffect(() => {
    const map = mapRef.current;
    if (!map || !placing || selected?.kind !== 'org') return;
    box.current?.classList.add('dj-map-placing');
    const click = (e: L.LeafletMouseEvent) => {
      const [lng, lat] = fromView([e.latlng.lng, e.latlng.lat]).map((x) => +x.toFixed(6));
      setPlacing(false);
      modal.confirm({
        title: '保存新位置？',
        content: `经度 ${lng}，纬度 ${lat}`,
        okText: '保存',
        onOk: async () => {
          const card = cardRef.current;
          if (!card) return;
          try {
            await move.mutateAsync({ id: card.id, lng, lat, version: card.version });
            message.success('位置已保存');
          } catch (err) {
            message.error(errorMessage(err));
          }
        },
      });
    };
    map.once('click', click);
    return () => {
      map.off('click', click);
      box.current?.classList.remove('dj-map-placing');
    };
  }, [placing, selected, fromView, modal, message, move]);

  const card = useOrgCard(selected?.kind === 'org' ? selected.id : null);
  const cardRef = useRef(card.data);
  cardRef.current = card.data;

  // the layers, redrawn when their data changes
  useEffect(() => {
    const g = groups.current?.orgs;
    if (!g) return;
    g.clearLayers();
    if (!isOn('orgs') || !orgs.data) return;
    for (const c of orgs.data.clusters) {
      const size = Math.min(56, 22 + Math.log10(c.count + 1) * 12);
      L.marker(latLng(toView, c.lng, c.lat), {
        icon: L.divIcon({ className: 'dj-map-cluster', html: `<span>${c.count}</span>`, iconSize: [size, size] }),
        title: `${c.count} 个党组织`,
      }).on('click', () => mapRef.current?.setView(latLng(toView, c.lng, c.lat), Math.min(18, (mapRef.current?.getZoom() ?? 10) + 2)))
        .addTo(g);
    }
    for (const p of orgs.data.points) {
      L.circleMarker(latLng(toView, p.lng, p.lat), { radius: p.type === 'committee' ? 9 : 6, color: '#fff', weight: 1.5, fillColor: BAND_COLORS[p.band ?? ''] ?? '#c8161d', fillOpacity: 0.95 })
        .bindTooltip(`${p.name}（${p.members ?? 0} 名党员）`)
        .on('click', () => {
          setSelected({ kind: 'org', id: p.id });
          setTab('card');
        })
        .addTo(g);
    }
  }, [orgs.data, on, toView]);

  useEffect(() => {
    const gg = groups.current;
    if (!gg) return;
    gg.grids.clearLayers();
    gg.zones.clearLayers();
    areaLayers.current.clear();
    if (!areas.data) return;
    for (const a of areas.data.areas) {
      if ((a.kind === 'grid' && !isOn('grids')) || (a.kind === 'zone' && !isOn('zones'))) continue;
      const style = a.kind === 'zone'
        ? { color: '#d48806', weight: 2, fillColor: '#faad14', fillOpacity: 0.12, dashArray: '6 4' }
        : a.blind ? { color: '#cf1322', weight: 2, fillColor: '#ff4d4f', fillOpacity: 0.25 } : { color: '#1677ff', weight: 1, fillColor: '#69b1ff', fillOpacity: 0.08 };
      const layer = L.geoJSON(mapGeometry(a.geometry as PolygonGeometry, toView) as GeoJSON.Geometry, { style: () => style }).getLayers()[0] as L.Polygon;
      layer.bindTooltip(`${AREA_KINDS[a.kind]}：${a.name}${a.blind ? '（党建盲区）' : ''}`, { sticky: true });
      layer.on('click', () => {
        setSelected({ kind: 'area', area: a });
        setTab('card');
      });
      layer.addTo(a.kind === 'zone' ? gg.zones : gg.grids);
      areaLayers.current.set(a.id, layer);
    }
  }, [areas.data, on, toView]);

  useEffect(() => {
    const g = groups.current?.density;
    if (!g) return;
    g.clearLayers();
    if (!isOn('density') || !density.data) return;
    const max = Math.max(1, ...density.data.clusters.map((c) => c.members));
    for (const c of density.data.clusters) {
      L.circleMarker(latLng(toView, c.lng, c.lat), { radius: 8 + 26 * Math.sqrt(c.members / max), stroke: false, fillColor: '#c8161d', fillOpacity: 0.18 + 0.4 * (c.members / max), interactive: true })
        .bindTooltip(`约 ${c.members} 名党员（${c.count} 个党组织）`)
        .addTo(g);
    }
  }, [density.data, on, toView]);

  useEffect(() => {
    const gg = groups.current;
    if (!gg) return;
    gg.units.clearLayers();
    gg.projects.clearLayers();
    if (isOn('units') && units.data) {
      for (const u of units.data.points) {
        L.marker(latLng(toView, u.lng, u.lat), { icon: L.divIcon({ className: u.blind ? 'dj-map-unit dj-map-unit-blind' : 'dj-map-unit', iconSize: [12, 12] }) })
          .bindTooltip(`${u.name}（${MAP_UNIT_KINDS[u.type as keyof typeof MAP_UNIT_KINDS] ?? u.type}${u.blind ? '，未建立党组织' : ''}）`)
          .addTo(gg.units);
      }
    }
    if (isOn('projects') && projects.data) {
      for (const p of projects.data.points) {
        L.marker(latLng(toView, p.lng, p.lat), { icon: L.divIcon({ className: 'dj-map-project', html: `<span style="background:${LEVEL_COLORS[p.band ?? ''] ?? '#389e0d'}">项</span>`, iconSize: [20, 20] }) })
          .bindTooltip(`重点项目：${p.name}`)
          .addTo(gg.projects);
      }
    }
  }, [units.data, projects.data, on, toView]);

  const flyTo = (lng: number | null, lat: number | null, zoom = 14) => {
    if (lng == null || lat == null) {
      message.info('该对象尚未标注位置');
      return;
    }
    mapRef.current?.flyTo(latLng(toView, lng, lat), zoom, { duration: 0.6 });
  };

  const startEdit = (a: MapAreaFeature) => {
    const layer = areaLayers.current.get(a.id);
    if (!layer) return;
    layer.pm.enable({ allowSelfIntersection: false });
    setEditing(a.id);
  };
  const finishEdit = (a: MapAreaFeature, keep: boolean) => {
    const layer = areaLayers.current.get(a.id);
    layer?.pm.disable();
    setEditing(null);
    if (keep && layer) setDrawn({ geometry: mapGeometry(layer.toGeoJSON().geometry as PolygonGeometry, fromView), area: a });
    else void areas.refetch();
  };

  const loading = [orgs, areas, density, units, projects].some((q) => q.isFetching);
  const failed = [orgs, areas, density, units, projects].find((q) => q.isError);

  return (
    <div className="dj-map-page">
      <Card size="small" className="dj-map-toolbar">
        <Space wrap size={[12, 8]}>
          <Checkbox.Group aria-label="图层" value={on} onChange={(v) => setOn(v as Toggle[])} options={Object.entries(TOGGLES).map(([value, label]) => ({ value, label }))} />
          <MapSearch orgId={orgId} onPick={(item) => {
            flyTo(item.lng, item.lat);
            if (item.kind === 'org') {
              setSelected({ kind: 'org', id: item.id });
              setTab('card');
            }
          }} />
          {mayEdit && (
            <>
              <Button icon={<FormOutlined />} onClick={() => mapRef.current?.pm.enableDraw('Polygon', { snappable: true, allowSelfIntersection: false })}>绘制区域</Button>
              <Button icon={<UploadOutlined />} onClick={() => setImporting('areas')}>导入网格</Button>
              <Button icon={<UploadOutlined />} onClick={() => setImporting('units')}>导入两新组织</Button>
            </>
          )}
          {loading && <Typography.Text type="secondary">正在更新…</Typography.Text>}
          {failed && <Typography.Text type="danger">{`部分图层加载失败：${errorMessage(failed.error)}（显示的是上次的数据）`}</Typography.Text>}
        </Space>
      </Card>
      <div className="dj-map-body">
        <div className="dj-map-canvas" ref={box} data-testid="map" role="application" aria-label="党建云图" />
        <Card size="small" className="dj-map-side">
          <Segmented<'card' | 'blind'> block value={tab} onChange={setTab} options={[{ value: 'card', label: '详情' }, { value: 'blind', label: '党建盲区' }]} />
          <div className="dj-map-side-body">
            {tab === 'card' ? (
              selected?.kind === 'org' ? (
                card.isError ? <ErrorState error={card.error} onRetry={() => card.refetch()} title="组织卡片加载失败" /> : !card.data ? <PageLoading /> : (
                  <div data-testid="org-card">
                    <Typography.Title level={5} style={{ marginTop: 8 }}>{card.data.name}</Typography.Title>
                    <Descriptions size="small" column={1} items={[
                      { key: 't', label: '类型', children: ORG_TYPES[card.data.type as keyof typeof ORG_TYPES] ?? card.data.type },
                      { key: 's', label: '书记', children: card.data.secretaryName ?? '未配备' },
                      { key: 'p', label: '联系电话', children: card.data.secretaryPhone ?? '—' },
                      { key: 'm', label: '党员数', children: `${card.data.members} 名` },
                      { key: 'b', label: '先锋指数', children: card.data.band ? <Tag color={BAND_COLORS[card.data.band]}>{`${INDEX_BANDS[card.data.band as keyof typeof INDEX_BANDS]}（${card.data.period}）`}</Tag> : '暂无' },
                      { key: 'a', label: '地址', children: card.data.address ?? '—' },
                      { key: 'g', label: '负责区域', children: card.data.areas.length ? card.data.areas.map((a) => `${AREA_KINDS[a.kind]}：${a.name}`).join('；') : '无' },
                      { key: 'c', label: '坐标', children: card.data.lng != null ? `${card.data.lng}，${card.data.lat}` : '尚未标注' },
                    ]} />
                    {mayEdit && (
                      <Button icon={<AimOutlined />} type={placing ? 'primary' : 'default'} onClick={() => setPlacing((p) => !p)} style={{ marginTop: 8 }}>
                        {placing ? '请在地图上点击新位置（再点此取消）' : card.data.lng != null ? '调整位置' : '标注位置'}
                      </Button>
                    )}
                  </div>
                )
              ) : selected?.kind === 'area' ? (
                <AreaDetail area={selected.area} mayEdit={mayEdit} editing={editing === selected.area.id} onEditShape={() => startEdit(selected.area)} onFinish={(keep) => finishEdit(selected.area, keep)}
                  onEditProps={() => setDrawn({ geometry: selected.area.geometry as PolygonGeometry, area: selected.area })} onDeleted={() => setSelected(null)} />
              ) : (
                <EmptyState description="点击地图上的党组织或区域查看详情" />
              )
            ) : (
              <BlindSpots orgId={orgId} onPick={(lng, lat) => flyTo(lng, lat, 15)} />
            )}
          </div>
        </Card>
      </div>
      <Legend />
      {drawn && <AreaForm drawn={drawn} defaultOrgId={orgId ?? areas.data?.orgId} onClose={() => setDrawn(null)} />}
      {importing && <ImportModal what={importing} defaultOrgId={orgId ?? areas.data?.orgId} onClose={() => setImporting(null)} />}
    </div>
  );
}

function Legend() {
  return (
    <div className="dj-map-legend" aria-label="图例">
      {Object.entries(INDEX_BANDS).map(([k, v]) => <span key={k}><i style={{ background: BAND_COLORS[k] }} />{`先锋指数${v}`}</span>)}
      <span><i className="dj-legend-grid" />网格</span>
      <span><i className="dj-legend-blind" />党建盲区</span>
      <span><i className="dj-legend-zone" />党建责任区</span>
      <span><i className="dj-legend-unit" />两新组织（红：未建党组织）</span>
    </div>
  );
}

function MapSearch({ orgId, onPick }: { orgId: string | undefined; onPick: (item: { kind: string; id: string; lng: number | null; lat: number | null }) => void }) {
  const [text, setText] = useState('');
  const q = useDebounced(text.trim(), 300);
  const [items, setItems] = useState<Array<{ kind: string; id: string; name: string; lng: number | null; lat: number | null }>>([]);
  useEffect(() => {
    let live = true;
    if (!q) {
      setItems([]);
      return;
    }
    searchMap(orgId, q).then((r) => live && setItems(r.items), () => live && setItems([]));
    return () => {
      live = false;
    };
  }, [q, orgId]);
  const KIND = { org: '党组织', grid: '网格', zone: '责任区', unit: '两新组织' } as Record<string, string>;
  return (
    <AutoComplete
      style={{ width: 240 }}
      value={text}
      onChange={setText}
      placeholder="查找党组织、网格、两新组织"
      aria-label="在地图上查找"
      options={items.map((i) => ({ value: `${i.kind}:${i.id}`, label: `${i.name}（${KIND[i.kind]}）` }))}
      onSelect={(v: string) => {
        const item = items.find((i) => `${i.kind}:${i.id}` === v);
        if (item) {
          setText(item.name);
          onPick(item);
        }
      }}
      notFoundContent={q ? '没有找到' : null}
    />
  );
}

function AreaDetail({ area, mayEdit, editing, onEditShape, onFinish, onEditProps, onDeleted }: {
  area: MapAreaFeature; mayEdit: boolean; editing: boolean; onEditShape: () => void; onFinish: (keep: boolean) => void; onEditProps: () => void; onDeleted: () => void;
}) {
  const { message } = App.useApp();
  const del = useDeleteArea();
  return (
    <div data-testid="area-card">
      <Typography.Title level={5} style={{ marginTop: 8 }}>
        {area.name} {area.blind && <Tag color="red">党建盲区</Tag>}
      </Typography.Title>
      <Descriptions size="small" column={1} items={[
        { key: 'k', label: '类型', children: AREA_KINDS[area.kind] },
        { key: 'c', label: '编码', children: area.code ?? '—' },
        { key: 'r', label: '负责党组织', children: area.responsibleOrgName ?? <Typography.Text type="danger">未确定</Typography.Text> },
        { key: 'p', label: '常住人口', children: area.residents != null ? `${area.residents} 人${area.households != null ? `，${area.households} 户` : ''}` : '—' },
        { key: 'n', label: '备注', children: area.note ?? '—' },
      ]} />
      {mayEdit && (
        <Space wrap style={{ marginTop: 8 }}>
          {editing ? (
            <>
              <Button type="primary" onClick={() => onFinish(true)}>保存范围</Button>
              <Button onClick={() => onFinish(false)}>取消</Button>
            </>
          ) : (
            <>
              <Button icon={<EditOutlined />} onClick={onEditProps}>编辑信息</Button>
              <Button onClick={onEditShape}>调整范围</Button>
              <Button danger icon={<DeleteOutlined />} loading={del.isPending} onClick={() => Modal.confirm({
                title: `删除${AREA_KINDS[area.kind]}“${area.name}”？`, content: '登记在该网格的两新组织将不再属于任何网格。', okText: '删除', okButtonProps: { danger: true },
                onOk: async () => {
                  try {
                    await del.mutateAsync({ id: area.id, version: area.version });
                    message.success('已删除');
                    onDeleted();
                  } catch (e) {
                    message.error(errorMessage(e));
                  }
                },
              })}>删除</Button>
            </>
          )}
        </Space>
      )}
    </div>
  );
}

function AreaForm({ drawn, defaultOrgId, onClose }: { drawn: { geometry: PolygonGeometry; area?: MapAreaFeature }; defaultOrgId: string | undefined; onClose: () => void }) {
  const { message } = App.useApp();
  const [form] = Form.useForm();
  const save = useSaveArea();
  const a = drawn.area;
  const submit = async () => {
    const v = await form.validateFields();
    try {
      await save.mutateAsync({
        id: a?.id, kind: v.kind, orgId: v.orgId, responsibleOrgId: v.responsibleOrgId ?? null, name: v.name, code: v.code || null,
        residents: v.residents ?? null, households: v.households ?? null, note: v.note || null, geometry: drawn.geometry, version: a?.version,
      });
      message.success(a ? '已保存' : '已新建');
      onClose();
    } catch (e) {
      const left = applyServerErrors(form, e);
      if (left) message.error(left);
    }
  };
  return (
    <Modal open title={a ? `编辑${AREA_KINDS[a.kind]}` : '新建区域'} okText="保存" cancelText="取消" onOk={() => void submit()} confirmLoading={save.isPending} onCancel={onClose} destroyOnHidden>
      <Form form={form} layout="vertical" initialValues={{
        kind: a?.kind ?? 'grid', orgId: a?.orgId ?? defaultOrgId, responsibleOrgId: a?.responsibleOrgId ?? null, name: a?.name, code: a?.code, residents: a?.residents, households: a?.households, note: a?.note,
      }}>
        <Form.Item name="kind" label="类型" rules={[{ required: true }]}>
          <Radio.Group optionType="button" options={Object.entries(AREA_KINDS).map(([value, label]) => ({ value, label }))} />
        </Form.Item>
        <Form.Item name="name" label="名称" rules={[{ required: true, message: '请填写名称' }, { max: 100, message: '名称最多100个字' }]}>
          <Input placeholder="如 城关镇第1网格" />
        </Form.Item>
        <Form.Item name="code" label="编码" rules={[{ max: 50, message: '编码最多50个字符' }]}>
          <Input placeholder="网格管理系统中的编码（可不填）" />
        </Form.Item>
        <Form.Item name="orgId" label="所属党组织（维护该区域）" rules={[{ required: true, message: '请选择所属党组织' }]}>
          <OrgTreeSelect allowClear={false} />
        </Form.Item>
        <Form.Item name="responsibleOrgId" label="负责党组织" extra="网格的网格党支部或联系党组织；责任区的责任党组织。不填的网格若不在任何责任区内，将列为党建盲区。">
          <OrgTreeSelect />
        </Form.Item>
        <Space size={16} wrap>
          <Form.Item name="residents" label="常住人口">
            <InputNumber min={0} precision={0} style={{ width: 150 }} />
          </Form.Item>
          <Form.Item name="households" label="户数">
            <InputNumber min={0} precision={0} style={{ width: 150 }} />
          </Form.Item>
        </Space>
        <Form.Item name="note" label="备注" rules={[{ max: 500, message: '备注最多500个字' }]}>
          <Input.TextArea rows={2} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

function ImportModal({ what, defaultOrgId, onClose }: { what: 'areas' | 'units'; defaultOrgId: string | undefined; onClose: () => void }) {
  const { message, modal } = App.useApp();
  const [orgId, setOrgId] = useState<string | null>(defaultOrgId ?? null);
  const [kind, setKind] = useState<AreaKind>('grid');
  const [busy, setBusy] = useState(false);
  const upload = async (file: File) => {
    if (!orgId) {
      message.warning('请先选择所属党组织');
      return;
    }
    setBusy(true);
    try {
      const r = what === 'areas' ? await importAreas(kind, orgId, file) : await importUnits(orgId, file);
      const problems: string[] = 'created' in r ? r.errors.map((e) => ('feature' in e ? `第 ${e.feature} 个区域：${e.message}` : `第 ${e.row} 行：${e.message}`)) : [];
      if (problems.length) {
        modal.error({
          title: `文件中有 ${problems.length} 处问题，未导入任何数据`,
          width: 560,
          content: <List size="small" dataSource={problems.slice(0, 50)} renderItem={(p) => <List.Item>{p}</List.Item>} />,
        });
      } else {
        message.success(`导入完成：新增 ${r.created} 个，更新 ${r.updated} 个`);
        onClose();
      }
    } catch (e) {
      message.error(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal open title={what === 'areas' ? '导入网格或党建责任区（GeoJSON）' : '导入两新组织（Excel）'} footer={null} onCancel={onClose} destroyOnHidden>
      <Space direction="vertical" style={{ width: '100%' }} size={12}>
        {what === 'areas' && (
          <Radio.Group optionType="button" value={kind} onChange={(e) => setKind(e.target.value)} options={Object.entries(AREA_KINDS).map(([value, label]) => ({ value, label }))} />
        )}
        <div>
          <Typography.Text>所属党组织</Typography.Text>
          <OrgTreeSelect value={orgId} onChange={(id) => setOrgId(id)} allowClear={false} aria-label="所属党组织" style={{ width: '100%' }} />
        </div>
        <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
          {what === 'areas'
            ? 'GeoJSON 的 FeatureCollection，坐标为 WGS84/CGCS2000 经纬度；要素属性可含 名称、编码、人口、户数、负责党组织（名称或组织代码）。已有相同编码的区域会被更新；有错误时不导入任何区域。'
            : '按模板填写；填写经纬度的单位自动落入所在网格。同一统一社会信用代码的单位会被更新；有错误时不导入任何一行。'}
        </Typography.Paragraph>
        <Space wrap>
          <Upload accept={what === 'areas' ? '.geojson,.json,application/geo+json,application/json' : '.xlsx'} showUploadList={false} beforeUpload={(f) => {
            void upload(f);
            return false;
          }}>
            <Button type="primary" icon={<UploadOutlined />} loading={busy}>选择文件并导入</Button>
          </Upload>
          {what === 'units' && <Button icon={<DownloadOutlined />} onClick={() => void downloadUnitTemplate().catch((e) => message.error(errorMessage(e)))}>下载模板</Button>}
        </Space>
      </Space>
    </Modal>
  );
}

function BlindSpots({ orgId, onPick }: { orgId: string | undefined; onPick: (lng: number | null, lat: number | null) => void }) {
  const [kind, setKind] = useState<string | undefined>(undefined);
  const [page, setPage] = useState(1);
  const q = useBlindSpots(orgId, kind, page);
  if (q.isError && !q.data) return <ErrorState error={q.error} onRetry={() => q.refetch()} title="党建盲区加载失败" />;
  const counts = q.data?.counts;
  return (
    <div data-testid="blind-spots">
      <Radio.Group size="small" style={{ margin: '8px 0' }} value={kind ?? 'all'} onChange={(e) => {
        setKind(e.target.value === 'all' ? undefined : e.target.value);
        setPage(1);
      }}>
        <Radio.Button value="all">{`全部 ${counts ? counts.grid_uncovered + counts.unit_without_org : ''}`}</Radio.Button>
        <Radio.Button value="grid_uncovered">{`无负责网格 ${counts?.grid_uncovered ?? ''}`}</Radio.Button>
        <Radio.Button value="unit_without_org">{`未建党组织 ${counts?.unit_without_org ?? ''}`}</Radio.Button>
      </Radio.Group>
      <List
        size="small"
        loading={q.isPending}
        dataSource={q.data?.items ?? []}
        locale={{ emptyText: <EmptyState description="管理范围内没有发现党建盲区" /> }}
        pagination={q.data && q.data.total > 10 ? { current: page, pageSize: 10, total: q.data.total, onChange: setPage, size: 'small', simple: true } : false}
        renderItem={(s) => (
          <List.Item actions={[<Button key="go" size="small" type="link" onClick={() => onPick(s.lng, s.lat)}>定位</Button>]}>
            <List.Item.Meta
              title={<Space size={4} wrap><Tag color={s.kind === 'grid_uncovered' ? 'red' : 'orange'}>{BLIND_SPOT_KINDS[s.kind]}</Tag><span>{s.name}</span></Space>}
              description={<>{s.facts.map((f) => <div key={f}>{f}</div>)}<div>{`所属：${s.orgName}`}</div></>}
            />
          </List.Item>
        )}
      />
    </div>
  );
}
