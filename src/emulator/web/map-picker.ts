// LINE's "share location": a map to drop a pin on. No tile server is needed: the zones the hub
// handed the emulator are drawn on a plain background (a tile URL can be set in the settings).
import L from 'leaflet';
import { api } from './api';
import { byId, el, type Json } from './dom';

export interface PickedPlace {
  latitude: number;
  longitude: number;
  title?: string;
  address?: string;
}

interface MapData {
  zones: { type: 'FeatureCollection'; features: Json[] } | null;
  places: Array<{ name: string; latitude: number; longitude: number }>;
}

const TILES_KEY = 'simulator.mapTiles';
const LAST_KEY = 'simulator.lastPin';
// Thailand, when there are no zones and no earlier pin to start from.
const OVERVIEW: L.LatLngExpression = [13.7, 100.5];

export function tileUrl(): string {
  return localStorage.getItem(TILES_KEY) ?? '';
}

export function setTileUrl(url: string): void {
  if (url) localStorage.setItem(TILES_KEY, url);
  else localStorage.removeItem(TILES_KEY);
}

export class MapPicker {
  private map: L.Map | undefined;
  private pin: L.Marker | undefined;
  private picked: PickedPlace | undefined;
  private resolve: ((p: PickedPlace | undefined) => void) | undefined;
  private data: MapData = { zones: null, places: [] };

  constructor() {
    const dialog = byId<HTMLDialogElement>('mapDialog');
    byId('mapSend').addEventListener('click', () => this.finish(this.picked));
    byId('mapCancel').addEventListener('click', () => this.finish(undefined));
    dialog.addEventListener('close', () => this.finish(undefined));
    byId<HTMLSelectElement>('mapPlace').addEventListener('change', (e) => {
      const i = Number((e.target as HTMLSelectElement).value);
      const p = this.data.places[i];
      if (p) this.place(p.latitude, p.longitude, p.name);
    });
    const typed = () => {
      const lat = Number(byId<HTMLInputElement>('mapLat').value);
      const lng = Number(byId<HTMLInputElement>('mapLng').value);
      if (Number.isFinite(lat) && Number.isFinite(lng) && Math.abs(lat) <= 90 && Math.abs(lng) <= 180) {
        this.place(lat, lng, undefined, false);
      }
    };
    byId('mapLat').addEventListener('change', typed);
    byId('mapLng').addEventListener('change', typed);
  }

  /** Opens the picker; resolves with the place, or undefined if the person closed it. */
  async pick(): Promise<PickedPlace | undefined> {
    const dialog = byId<HTMLDialogElement>('mapDialog');
    dialog.showModal();
    this.data = await api<MapData>('GET', '/_emulator/map').catch(() => ({ zones: null, places: [] }));
    this.fillPlaces();
    this.ensureMap();
    return new Promise((resolve) => {
      this.resolve = resolve;
    });
  }

  private finish(p: PickedPlace | undefined): void {
    const resolve = this.resolve;
    this.resolve = undefined;
    const dialog = byId<HTMLDialogElement>('mapDialog');
    if (dialog.open) dialog.close();
    if (p) localStorage.setItem(LAST_KEY, JSON.stringify([p.latitude, p.longitude]));
    resolve?.(p);
  }

  private fillPlaces(): void {
    const select = byId<HTMLSelectElement>('mapPlace');
    select.textContent = '';
    select.appendChild(el('option', '', '— jump to a place —')).value = '';
    this.data.places.forEach((p, i) => {
      select.appendChild(el('option', '', p.name)).value = String(i);
    });
    select.hidden = this.data.places.length === 0;
  }

  private ensureMap(): void {
    const container = byId('map');
    if (!this.map) {
      // A view from the start: Leaflet draws vector layers only on a map that has one.
      this.map = L.map(container, { zoomControl: true, attributionControl: false }).setView(OVERVIEW, 5);
      this.map.on('click', (e: L.LeafletMouseEvent) => this.place(e.latlng.lat, e.latlng.lng));
    }
    const map = this.map;
    map.eachLayer((layer) => {
      if (layer !== this.pin) map.removeLayer(layer);
    });
    const url = tileUrl();
    if (url) L.tileLayer(url, { maxZoom: 19 }).addTo(map);
    let bounds: L.LatLngBounds | undefined;
    if (this.data.zones && this.data.zones.features.length > 0) {
      const layer = L.geoJSON(this.data.zones as never, {
        style: { color: '#1F6FEB', weight: 2, fillColor: '#1F6FEB', fillOpacity: 0.12 },
        interactive: false,
        onEachFeature: (feature, l) => {
          const name = (feature.properties as Json | null)?.name;
          // An element, not a string: Leaflet would put a string in as markup.
          if (typeof name === 'string')
            l.bindTooltip(el('span', '', name), { permanent: true, direction: 'center', className: 'zone-label' });
        },
      }).addTo(map);
      bounds = layer.getBounds();
    }
    for (const p of this.data.places) {
      L.circleMarker([p.latitude, p.longitude], {
        radius: 6,
        color: '#D93025',
        weight: 2,
        fillOpacity: 0.8,
        interactive: false,
      })
        .bindTooltip(el('span', '', p.name), { direction: 'top', offset: [0, -6] })
        .addTo(map);
      bounds = bounds ? bounds.extend([p.latitude, p.longitude]) : L.latLngBounds([[p.latitude, p.longitude]]);
    }
    // Leaflet measures its box when shown; the dialog has just opened.
    map.invalidateSize();
    const last = lastPin();
    if (bounds && bounds.isValid()) map.fitBounds(bounds.pad(0.25));
    else if (last) map.setView(last, 15);
    else map.setView(OVERVIEW, 5);
    if (this.picked) this.place(this.picked.latitude, this.picked.longitude, this.picked.title, false);
  }

  /** Drops the pin (and remembers it) where the person clicked, typed or jumped to. */
  private place(latitude: number, longitude: number, title?: string, fillFields = true): void {
    const map = this.map;
    if (!map) return;
    const at = L.latLng(latitude, longitude);
    const icon = L.divIcon({ className: 'pin-icon', html: '📍', iconSize: [30, 30], iconAnchor: [15, 28] });
    if (!this.pin) this.pin = L.marker(at, { icon, interactive: false }).addTo(map);
    else this.pin.setLatLng(at).addTo(map);
    this.picked = { latitude: round(latitude), longitude: round(longitude) };
    if (title) {
      this.picked.title = title;
      this.picked.address = title;
      map.panTo(at);
    }
    if (fillFields) {
      byId<HTMLInputElement>('mapLat').value = String(this.picked.latitude);
      byId<HTMLInputElement>('mapLng').value = String(this.picked.longitude);
    }
    byId<HTMLButtonElement>('mapSend').disabled = false;
  }
}

function round(n: number): number {
  return Math.round(n * 1e6) / 1e6;
}

function lastPin(): L.LatLngExpression | undefined {
  try {
    const v = JSON.parse(localStorage.getItem(LAST_KEY) ?? 'null') as unknown;
    return Array.isArray(v) && v.length === 2 && v.every((n) => typeof n === 'number')
      ? (v as [number, number])
      : undefined;
  } catch {
    return undefined;
  }
}
