import { useEffect, useState, type ReactNode } from 'react';
import { Link, useSearchParams } from 'react-router';
import { ORG_TYPES } from '../../../contracts/dict';
import { errorMessage } from '../../shared/api';
import { formatDateTime } from '../../shared/dates';
import { usePageTitle } from '../../shared/use-title';
import { useDashboard, type Dashboard, type DashboardChild, type DashboardFigure, type DashboardSeries, type DashboardTickerItem, type DashboardTile } from './api';
import { SeriesChart } from './ScreenCharts';
import './screen.css';

// The big screen (党建大屏, /screen): one org's tiles in two columns, its
// children in the middle to drill into (?orgId=), the trail to climb back up,
// a ticker of warnings at the bottom. A fixed 1920×1080 canvas scaled to fit
// the window. It refreshes every 30 s and keeps the last good answer on the
// screen when a refresh fails (it hangs in a room: never a blank wall). No
// member is named anywhere on it.

const WIDTH = 1920;
const HEIGHT = 1080;

/** The scale and offsets that fit the canvas in the window, centred. */
function fitToWindow() {
  const w = window.innerWidth;
  const h = window.innerHeight;
  const scale = Math.min(w / WIDTH, h / HEIGHT);
  return { scale, left: (w - WIDTH * scale) / 2, top: (h - HEIGHT * scale) / 2 };
}

function useFitToWindow() {
  const [fit, setFit] = useState(fitToWindow);
  useEffect(() => {
    const onResize = () => setFit(fitToWindow());
    window.addEventListener('resize', onResize);
    onResize();
    return () => window.removeEventListener('resize', onResize);
  }, []);
  return fit;
}

/** A console page (`/admin/...`); anything else is not made a link. */
function consoleHref(link: string | null | undefined): string | null {
  return link && link.startsWith('/') && !link.startsWith('//') ? link : null;
}

/** Opens a console page in a new tab (the screen stays as it is). */
function ConsoleLink({ link, className, children, label }: { link: string | null; className?: string; children: ReactNode; label?: string }) {
  const href = consoleHref(link);
  if (!href) return <span className={className}>{children}</span>;
  return (
    <a href={href} target="_blank" rel="noopener" className={className} aria-label={label}>
      {children}
    </a>
  );
}

function formatNumber(v: number): string {
  return v.toLocaleString('zh-CN', { maximumFractionDigits: 2 });
}

/** HH:mm:ss of a timestamp (Asia/Shanghai, as everywhere in the app). */
function clockOf(iso: string): string {
  if (Number.isNaN(new Date(iso).getTime())) return iso;
  return formatDateTime(iso, true).slice(11);
}

function orgTypeLabel(type: string): string {
  return (ORG_TYPES as Record<string, string>)[type] ?? '';
}

// --- tiles ---------------------------------------------------------------

// A tile is drawn one of two ways: with one chart, its figures on the left
// and the chart beside them ("side", as tall as the figures, at least a
// chart's height); with several, the figures in a row above a grid of charts
// ("stacked", sharing the column's spare height by their chart rows).

const TITLE_H = 62; // the title, its margin, the padding
const FIGURE_H = 66;
const ROW_H = 170; // a comfortable chart row
const SIDE_MIN = 130;

/** How many chart columns a stacked tile's series take. */
function chartColumns(n: number): number {
  if (n <= 1) return 1;
  if (n === 3 || n > 4) return 3;
  return 2;
}

function isSide(t: DashboardTile): boolean {
  return t.series.length === 1 && t.figures.length > 0;
}

function figureColumns(t: DashboardTile): number {
  const n = t.figures.length;
  if (isSide(t)) return n > 3 ? 2 : 1;
  return n <= 5 ? n : Math.ceil(n / 2);
}

function chartRows(t: DashboardTile): number {
  return t.series.length ? Math.ceil(t.series.length / chartColumns(t.series.length)) : 0;
}

/** The height a tile needs without its charts' share of the spare height. */
function fixedHeight(t: DashboardTile): number {
  const figures = t.figures.length ? Math.ceil(t.figures.length / figureColumns(t)) * FIGURE_H : 0;
  if (isSide(t)) return TITLE_H + Math.max(figures, SIDE_MIN);
  return TITLE_H + figures + (t.figures.length ? 8 : 0);
}

/** What a tile weighs on its column (for cutting the tiles in two). */
function tileWeight(t: DashboardTile): number {
  return fixedHeight(t) + (isSide(t) ? 0 : chartRows(t) * ROW_H);
}

/** The tiles in order, cut in two where the left column's weight reaches half. */
function splitTiles(tiles: DashboardTile[]): [DashboardTile[], DashboardTile[]] {
  if (tiles.length <= 1) return [tiles, []];
  const total = tiles.reduce((a, t) => a + tileWeight(t), 0);
  let acc = 0;
  let cut = 0;
  for (; cut < tiles.length - 1; cut++) {
    const w = tileWeight(tiles[cut]);
    // a tile goes left while the middle of it stays within the first half
    if (cut > 0 && acc + w / 2 > total / 2) break;
    acc += w;
  }
  return [tiles.slice(0, cut), tiles.slice(cut)];
}

/** How a tile shares its column's height: stacked tiles by chart rows; side tiles only when nothing else grows. */
function tileFlex(t: DashboardTile, column: DashboardTile[]): string {
  if (!isSide(t) && chartRows(t) > 0) return `${chartRows(t)} 1 ${fixedHeight(t)}px`;
  if (isSide(t) && !column.some((c) => !isSide(c) && chartRows(c) > 0)) return `1 1 ${fixedHeight(t)}px`;
  return `0 1 ${fixedHeight(t)}px`;
}

/** Big numbers shrink as they grow longer (money in 元), so they stay on one line. */
function figureFontSize(text: string, columns: number): number {
  const room = columns >= 4 ? 7 : columns === 3 ? 9 : 8;
  return Math.max(20, Math.min(32, Math.round(32 - Math.max(0, text.length - room + 3) * 3)));
}

function Figure({ figure, columns }: { figure: DashboardFigure; columns: number }) {
  const value = formatNumber(figure.value);
  return (
    <ConsoleLink link={figure.link} className="scr-figure">
      <span className="scr-figure-value" style={{ fontSize: figureFontSize(value + figure.unit, columns) }}>
        {value}
        {figure.unit && <span className="scr-figure-unit">{figure.unit}</span>}
      </span>
      <span className="scr-figure-label">{figure.label}</span>
    </ConsoleLink>
  );
}

function SeriesCell({ series }: { series: DashboardSeries }) {
  return (
    <div className="scr-series-cell">
      <div className="scr-series-title">
        <ConsoleLink link={series.link}>{series.title}</ConsoleLink>
      </div>
      <SeriesChart series={series} />
    </div>
  );
}

function Figures({ tile }: { tile: DashboardTile }) {
  const cols = figureColumns(tile);
  return (
    <div className="scr-figures" style={{ gridTemplateColumns: `repeat(${cols}, minmax(0, 1fr))`, gridAutoRows: FIGURE_H - 8 }}>
      {tile.figures.map((f, i) => (
        <Figure key={`${f.label}-${i}`} figure={f} columns={cols} />
      ))}
    </div>
  );
}

function Tile({ tile, column }: { tile: DashboardTile; column: DashboardTile[] }) {
  const side = isSide(tile);
  return (
    <section className="scr-panel scr-tile" data-testid={`tile-${tile.key}`} aria-label={tile.title} style={{ flex: tileFlex(tile, column) }}>
      <div className="scr-tile-head">
        <h2 className="scr-panel-title">
          <ConsoleLink link={tile.link}>{tile.title}</ConsoleLink>
        </h2>
        {tile.note && (
          <p className="scr-tile-note" title={tile.note}>
            {tile.note}
          </p>
        )}
      </div>
      {side ? (
        <div className="scr-tile-side" style={{ minHeight: SIDE_MIN }}>
          <Figures tile={tile} />
          <SeriesCell series={tile.series[0]} />
        </div>
      ) : (
        <>
          {tile.figures.length > 0 && <Figures tile={tile} />}
          {tile.series.length > 0 && (
            <div className="scr-series" style={{ gridTemplateColumns: `repeat(${chartColumns(tile.series.length)}, minmax(0, 1fr))` }}>
              {tile.series.map((s) => (
                <SeriesCell key={s.key} series={s} />
              ))}
            </div>
          )}
        </>
      )}
    </section>
  );
}

function Column({ tiles }: { tiles: DashboardTile[] }) {
  return (
    <div className="scr-column">
      {tiles.map((t) => (
        <Tile key={t.key} tile={t} column={tiles} />
      ))}
    </div>
  );
}

// --- centre: the org and its children --------------------------------------

function ChildCard({ child, onOpen }: { child: DashboardChild; onOpen: (id: string) => void }) {
  const type = orgTypeLabel(child.type);
  return (
    <button type="button" className="scr-child" aria-label={`进入 ${child.name}`} title={child.name} onClick={() => onOpen(child.id)}>
      <span className="scr-child-top">
        <span className="scr-child-name">{child.name}</span>
        {type && <span className="scr-child-type">{type}</span>}
      </span>
      <span className="scr-child-stats">
        <span>
          <strong>{formatNumber(child.members)}</strong>名党员
        </span>
        <span>
          <strong>{formatNumber(child.orgs)}</strong>个组织
        </span>
      </span>
    </button>
  );
}

function Centre({ data, onOpen }: { data: Dashboard; onOpen: (id: string) => void }) {
  const type = orgTypeLabel(data.org.type);
  return (
    <section className="scr-panel scr-centre" aria-label="下级组织">
      <div className="scr-centre-head">
        <div className="scr-centre-org">
          <span className="scr-centre-name">{data.org.name}</span>
          {type && <span className="scr-centre-type">{type}</span>}
        </div>
        {data.children.length > 0 && <span className="scr-centre-count">下级组织 {data.children.length} 个 · 点击进入</span>}
      </div>
      {data.children.length === 0 ? (
        <div className="scr-centre-empty">已是基层党组织</div>
      ) : (
        <div className="scr-children">
          {data.children.map((c) => (
            <ChildCard key={c.id} child={c} onOpen={onOpen} />
          ))}
        </div>
      )}
    </section>
  );
}

function Trail({ data, onOpen }: { data: Dashboard; onOpen: (id: string) => void }) {
  const trail = data.trail.length && data.trail[data.trail.length - 1].id === data.org.id ? data.trail : [...data.trail, data.org];
  return (
    <nav aria-label="组织层级" className="scr-trail">
      <ol>
        {trail.map((o, i) => (
          <li key={o.id}>
            {i < trail.length - 1 ? (
              <button type="button" onClick={() => onOpen(o.id)}>
                {o.name}
              </button>
            ) : (
              <span aria-current="page">{o.name}</span>
            )}
          </li>
        ))}
      </ol>
    </nav>
  );
}

// --- the ticker ------------------------------------------------------------

const LEVEL_NAMES: Record<DashboardTickerItem['level'], string> = { error: '严重', warning: '预警', info: '提示' };

function TickerItems({ items, copy }: { items: DashboardTickerItem[]; copy?: boolean }) {
  return (
    <ul className="scr-ticker-list" aria-hidden={copy || undefined}>
      {items.map((t, i) => (
        <li key={`${t.orgName}-${t.label}-${i}`} className={`scr-ticker-item scr-level-${t.level}`} title={LEVEL_NAMES[t.level]}>
          <span className="scr-ticker-dot" aria-hidden />
          <ConsoleLink link={t.link}>
            {t.orgName} · {t.label} {t.count}条
          </ConsoleLink>
        </li>
      ))}
    </ul>
  );
}

function Ticker({ items }: { items: DashboardTickerItem[] }) {
  return (
    <footer className="scr-ticker" data-testid="ticker" aria-label="预警滚动">
      <span className="scr-ticker-badge">预警</span>
      <div className="scr-ticker-window">
        {items.length === 0 ? (
          <span className="scr-ticker-none">当前没有预警</span>
        ) : (
          // the list twice, moved left by one list's width: the loop has no seam
          <div className="scr-ticker-track" style={{ animationDuration: `${Math.max(24, items.length * 6)}s` }}>
            <TickerItems items={items} />
            <TickerItems items={items} copy />
          </div>
        )}
      </div>
    </footer>
  );
}

// --- the page --------------------------------------------------------------

function Message({ children, role = 'status' }: { children: ReactNode; role?: 'status' | 'alert' }) {
  return (
    <div className="scr-message" role={role} aria-live={role === 'status' ? 'polite' : undefined}>
      {children}
    </div>
  );
}

function Screen({ data, onOpen, stale, loading }: { data: Dashboard; onOpen: (id: string) => void; stale: boolean; loading: boolean }) {
  const [left, right] = splitTiles(data.tiles);
  return (
    <>
      <header className="scr-header">
        <div className="scr-header-side">
          <Link to="/admin" className="scr-header-link">
            返回工作台
          </Link>
        </div>
        <h1 className="scr-title">{data.org.name} 党建大屏</h1>
        <div className="scr-header-side scr-header-right">
          数据日期 <strong>{data.asOf}</strong>
        </div>
      </header>
      <div className="scr-subbar">
        <Trail data={data} onOpen={onOpen} />
        <div className="scr-subbar-right">
          {loading && (
            <span className="scr-loading-pill" role="status">
              正在加载…
            </span>
          )}
          {stale ? (
            <span className="scr-stale" role="alert">
              数据刷新失败，显示的是 {clockOf(data.generatedAt)} 的数据
            </span>
          ) : (
            <span className="scr-updated">更新于 {clockOf(data.generatedAt)}</span>
          )}
        </div>
      </div>
      <main className={`scr-body${loading ? ' scr-body-loading' : ''}`}>
        <Column tiles={left} />
        <Centre data={data} onOpen={onOpen} />
        <Column tiles={right} />
      </main>
      <Ticker items={data.ticker} />
    </>
  );
}

export function ScreenPage() {
  usePageTitle('党建大屏');
  const [params, setParams] = useSearchParams();
  const orgId = params.get('orgId') || undefined;
  const q = useDashboard(orgId);
  const fit = useFitToWindow();

  /** Drills down (a child) or climbs up (the trail): a history entry each, so 后退 works too. */
  const open = (id: string) =>
    setParams((prev) => {
      const next = new URLSearchParams(prev);
      next.set('orgId', id);
      return next;
    });
  const toTop = () =>
    setParams((prev) => {
      const next = new URLSearchParams(prev);
      next.delete('orgId');
      return next;
    });

  let content: ReactNode;
  if (q.data) {
    content = <Screen data={q.data} onOpen={open} stale={q.isError} loading={q.isPlaceholderData} />;
  } else if (q.isError) {
    content = (
      <Message role="alert">
        <div className="scr-message-title">大屏数据没有加载出来</div>
        <div className="scr-message-detail">{errorMessage(q.error)}</div>
        <div className="scr-message-actions">
          <button type="button" className="scr-button" onClick={() => void q.refetch()}>
            重试
          </button>
          {orgId && (
            <button type="button" className="scr-button scr-button-ghost" onClick={toTop}>
              返回顶层组织
            </button>
          )}
        </div>
      </Message>
    );
  } else {
    content = <Message>正在加载…</Message>;
  }

  return (
    <div className="scr-viewport">
      {/* data-ready: the answer for this org is on the screen, every tile's figures in the DOM of this commit (the charts draw right after, in effects) */}
      <div
        className="scr-canvas"
        data-testid="screen"
        data-ready={q.data && !q.isPlaceholderData ? 'true' : 'false'}
        style={{ width: WIDTH, height: HEIGHT, left: fit.left, top: fit.top, transform: `scale(${fit.scale})` }}
      >
        {content}
      </div>
    </div>
  );
}
