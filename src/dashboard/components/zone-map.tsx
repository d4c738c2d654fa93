// A Leaflet map of the zones (GeoJSON from the hub) and points on it (cases, SOS, patrols). With no
// tile server configured the zones are drawn on a plain background, so the map works offline and on
// a police network that reaches nothing else; DASHBOARD_TILE_URL adds a street map under them.
import L from 'leaflet';
import 'leaflet/dist/leaflet.css';
import { useEffect, useRef } from 'preact/hooks';
import { useLocation } from 'wouter-preact';
import { useApp } from '../app-context';
import type { ZoneCollection } from '../api';

export type PointKind = 'case' | 'case-open' | 'case-overdue' | 'sos' | 'sos-open' | 'patrol' | 'pin';

export interface MapPoint {
  id: string;
  lat: number;
  lng: number;
  kind: PointKind;
  label: string;
  href?: string;
}

const STYLE: Record<PointKind, { radius: number; className: string }> = {
  'sos-open': { radius: 13, className: 'pt-sos-open' },
  sos: { radius: 8, className: 'pt-sos' },
  'case-overdue': { radius: 10, className: 'pt-case-overdue' },
  'case-open': { radius: 9, className: 'pt-case-open' },
  case: { radius: 6, className: 'pt-case' },
  patrol: { radius: 6, className: 'pt-patrol' },
  pin: { radius: 12, className: 'pt-pin' },
};

// Thailand, when there are no zones to fit.
const OVERVIEW: L.LatLngTuple = [13.7, 100.5];

export function ZoneMap({
  zones,
  points,
  fit = 'zones',
  label,
}: {
  zones: ZoneCollection;
  points: MapPoint[];
  /** What the first view frames: the zones, or the points (a case's pin). */
  fit?: 'zones' | 'points';
  /** The map's accessible name. */
  label: string;
}) {
  const { lang, mapConfig } = useApp();
  const [, navigate] = useLocation();
  const box = useRef<HTMLDivElement>(null);
  const map = useRef<L.Map>();
  const zoneLayer = useRef<L.LayerGroup>();
  const pointLayer = useRef<L.LayerGroup>();
  const framed = useRef(false);

  useEffect(() => {
    const m = L.map(box.current!, { zoomControl: true, attributionControl: Boolean(mapConfig.tileUrl) });
    if (mapConfig.tileUrl)
      L.tileLayer(mapConfig.tileUrl, { maxZoom: 19, attribution: mapConfig.tileAttribution ?? '' }).addTo(m);
    zoneLayer.current = L.layerGroup().addTo(m);
    pointLayer.current = L.layerGroup().addTo(m);
    m.setView(OVERVIEW, 6);
    map.current = m;
    // The box may get its size after the first paint (a page laid out in a grid).
    const resize = new ResizeObserver(() => m.invalidateSize());
    resize.observe(box.current!);
    return () => {
      resize.disconnect();
      m.remove();
      map.current = undefined;
      framed.current = false;
    };
  }, [mapConfig.tileUrl, mapConfig.tileAttribution]);

  useEffect(() => {
    const layer = zoneLayer.current;
    if (!layer) return;
    layer.clearLayers();
    const geo = L.geoJSON(zones as unknown as GeoJSON.FeatureCollection, {
      style: () => ({ className: 'zone-shape', weight: 2 }),
      onEachFeature: (feature, shape) => {
        const p = feature.properties as Record<string, string>;
        // Named on the map itself, except around one pin (a case, an SOS) where the name would cover it.
        shape.bindTooltip(p[`name_${lang}`] ?? p.id ?? '', {
          permanent: fit === 'zones',
          direction: 'center',
          className: 'zone-label',
        });
      },
    }).addTo(layer);
    if (!framed.current && fit === 'zones' && zones.features.length > 0) {
      map.current?.fitBounds(geo.getBounds(), { padding: [24, 24] });
      framed.current = true;
    }
  }, [zones, lang, fit, mapConfig.tileUrl]);

  useEffect(() => {
    const layer = pointLayer.current;
    if (!layer) return;
    layer.clearLayers();
    // Drawn in order: open SOS last, on top of everything.
    const order: PointKind[] = ['patrol', 'case', 'sos', 'case-open', 'case-overdue', 'pin', 'sos-open'];
    for (const p of [...points].sort((a, b) => order.indexOf(a.kind) - order.indexOf(b.kind))) {
      const s = STYLE[p.kind];
      const marker = L.circleMarker([p.lat, p.lng], { radius: s.radius, className: s.className, weight: 3 })
        .bindTooltip(p.label)
        .addTo(layer);
      if (p.href) marker.on('click', () => navigate(p.href!));
    }
    if (!framed.current && fit === 'points' && points.length > 0) {
      map.current?.setView([points[0]!.lat, points[0]!.lng], 16);
      framed.current = true;
    }
  }, [points, fit, mapConfig.tileUrl]);

  return <div ref={box} class={`zone-map${mapConfig.tileUrl ? ' with-tiles' : ''}`} role="region" aria-label={label} />;
}
