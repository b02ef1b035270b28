/**
 * Snapping a coordinate onto the nearest routable road segment (not just the nearest node).
 * A KDBush index holds points sampled along every routable road at most `sampleSpacingMeters` apart;
 * the nearest samples give candidate pieces, and the exact point-to-piece projection picks the winner.
 */
import KDBush from 'kdbush';
import { haversineMeters, metersPerDegree } from './geo';
import type { RoadNetwork } from './road-network';
import type { Phantom } from './search';

const sampleSpacingMeters = 20;
/** Snapped points closer than this are the same place (typically the node where several roads meet). */
const tieMeters = 0.1;

export interface Snap extends Phantom {
  segment: number;
  /** Metres from the segment's first point to the snapped point. */
  offsetMeters: number;
  location: [number, number];
  /** Metres from the requested coordinate to the snapped one. */
  distanceMeters: number;
}

export class SegmentIndex {
  private readonly index: KDBush;
  /** Index into segmentPoints of the first point of the piece each sample lies on. */
  private readonly samplePiece: Int32Array;
  /** Planar sample positions in metres, by sample id (KDBush keeps its own copy in sorted order). */
  private readonly sampleXy: Float64Array;
  private readonly pieceSegment: Int32Array;
  private readonly scale: { x: number; y: number };

  constructor(private readonly network: RoadNetwork) {
    const { pointLon: lon, pointLat: lat, segmentFirst, segmentPoints, edgeInMain } = network;
    let latSum = 0;
    for (let p = 0; p < lat.length; p++) latSum += lat[p]!;
    this.scale = metersPerDegree(lat.length > 0 ? latSum / lat.length : 0);
    const segmentCount = segmentFirst.length - 1;
    this.pieceSegment = new Int32Array(segmentPoints.length);
    const xs: number[] = [];
    const ys: number[] = [];
    const pieces: number[] = [];
    for (let s = 0; s < segmentCount; s++) {
      // Only roads of the main component: from and to them every other such road is reachable.
      if (!edgeInMain[2 * s] && !edgeInMain[2 * s + 1]) continue;
      for (let k = segmentFirst[s]!; k < segmentFirst[s + 1]! - 1; k++) {
        this.pieceSegment[k] = s;
        const a = segmentPoints[k]!;
        const b = segmentPoints[k + 1]!;
        const samples = Math.max(1, Math.ceil(haversineMeters(lon[a]!, lat[a]!, lon[b]!, lat[b]!) / sampleSpacingMeters));
        for (let i = 0; i <= samples; i++) {
          const t = i / samples;
          xs.push((lon[a]! + t * (lon[b]! - lon[a]!)) * this.scale.x);
          ys.push((lat[a]! + t * (lat[b]! - lat[a]!)) * this.scale.y);
          pieces.push(k);
        }
      }
    }
    this.samplePiece = Int32Array.from(pieces);
    this.sampleXy = new Float64Array(2 * xs.length);
    for (let i = 0; i < xs.length; i++) [this.sampleXy[2 * i], this.sampleXy[2 * i + 1]] = [xs[i]!, ys[i]!];
    this.index = new KDBush(xs.length);
    for (let i = 0; i < xs.length; i++) this.index.add(xs[i]!, ys[i]!);
    this.index.finish();
  }

  get byteLength(): number {
    return this.index.data.byteLength + this.samplePiece.byteLength + this.sampleXy.byteLength + this.pieceSegment.byteLength;
  }

  /** The nearest routable road point within maxMeters, or null. */
  snap(lon: number, lat: number, maxMeters: number): Snap | null {
    if (this.samplePiece.length === 0) return null;
    const x = lon * this.scale.x;
    const y = lat * this.scale.y;
    // Grow the radius until some sample is found, then take every piece with a sample that could be closer.
    let radius = 50;
    let hits: number[];
    const limit = maxMeters + sampleSpacingMeters;
    for (;;) {
      hits = this.index.within(x, y, Math.min(radius, limit));
      if (hits.length > 0 || radius >= limit) break;
      radius *= 4;
    }
    if (hits.length === 0) return null;
    let nearestSample = Infinity;
    for (const hit of hits) nearestSample = Math.min(nearestSample, Math.hypot(this.sampleXy[2 * hit]! - x, this.sampleXy[2 * hit + 1]! - y));
    hits = this.index.within(x, y, nearestSample + sampleSpacingMeters);

    const candidates = [...new Set(hits.map((hit) => this.samplePiece[hit]!))].map((piece) => ({ piece, ...this.project(piece, x, y) }));
    if (candidates.length === 0) return null;
    const best = candidates.reduce((a, b) => (b.planarMeters < a.planarMeters ? b : a));
    const snap = this.snapOnPiece(best.piece, best.t, lon, lat);
    if (snap.distanceMeters > maxMeters) return null;
    // A point on an intersection lies on every road that meets there: start or end on any of them, so a
    // turn restriction at that node cannot force a detour that merely picking another road avoids.
    for (const other of candidates) {
      if (other === best || other.planarMeters > best.planarMeters + tieMeters) continue;
      const tied = this.snapOnPiece(other.piece, other.t, lon, lat);
      const [bestLon, bestLat] = snap.location;
      if (haversineMeters(bestLon, bestLat, tied.location[0], tied.location[1]) > tieMeters) continue;
      for (const edge of tied.edges) if (!snap.edges.some((e) => e.edge === edge.edge)) snap.edges.push(edge);
    }
    return snap;
  }

  /** The nearest point of each of the `count` nearest routable segments within maxMeters, nearest first. */
  snapMany(lon: number, lat: number, count: number, maxMeters: number): Snap[] {
    if (this.samplePiece.length === 0) return [];
    const x = lon * this.scale.x;
    const y = lat * this.scale.y;
    const limit = maxMeters + sampleSpacingMeters;
    // Grow the radius until it holds samples of `count` segments; pieces of nearer segments have samples within it plus the spacing.
    let radius = 50;
    let hits: number[];
    for (;;) {
      hits = this.index.within(x, y, Math.min(radius, limit));
      if (new Set(hits.map((hit) => this.pieceSegment[this.samplePiece[hit]!])).size >= count || radius >= limit) break;
      radius *= 4;
    }
    hits = this.index.within(x, y, Math.min(radius, limit) + sampleSpacingMeters);
    const bestBySegment = new Map<number, { piece: number; t: number; planarMeters: number }>();
    for (const piece of new Set(hits.map((hit) => this.samplePiece[hit]!))) {
      const projected = { piece, ...this.project(piece, x, y) };
      const segment = this.pieceSegment[piece]!;
      const known = bestBySegment.get(segment);
      if (!known || projected.planarMeters < known.planarMeters) bestBySegment.set(segment, projected);
    }
    return [...bestBySegment.values()]
      .sort((a, b) => a.planarMeters - b.planarMeters)
      .slice(0, count)
      .map(({ piece, t }) => this.snapOnPiece(piece, t, lon, lat))
      .filter((snap) => snap.distanceMeters <= maxMeters);
  }

  private project(piece: number, x: number, y: number): { t: number; planarMeters: number } {
    const { pointLon: lon, pointLat: lat, segmentPoints } = this.network;
    const a = segmentPoints[piece]!;
    const b = segmentPoints[piece + 1]!;
    const ax = lon[a]! * this.scale.x;
    const ay = lat[a]! * this.scale.y;
    const dx = lon[b]! * this.scale.x - ax;
    const dy = lat[b]! * this.scale.y - ay;
    const lengthSquared = dx * dx + dy * dy;
    const t = lengthSquared === 0 ? 0 : Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / lengthSquared));
    return { t, planarMeters: Math.hypot(ax + t * dx - x, ay + t * dy - y) };
  }

  private snapOnPiece(piece: number, t: number, lon: number, lat: number): Snap {
    const { network } = this;
    const { pointLon, pointLat, segmentPoints, segmentFirst, segmentMeters, edgeSeconds } = network;
    const segment = this.pieceSegment[piece]!;
    let offsetMeters = 0;
    for (let k = segmentFirst[segment]!; k < piece; k++) {
      const p = segmentPoints[k]!;
      const q = segmentPoints[k + 1]!;
      offsetMeters += haversineMeters(pointLon[p]!, pointLat[p]!, pointLon[q]!, pointLat[q]!);
    }
    const a = segmentPoints[piece]!;
    const b = segmentPoints[piece + 1]!;
    const snapLon = pointLon[a]! + t * (pointLon[b]! - pointLon[a]!);
    const snapLat = pointLat[a]! + t * (pointLat[b]! - pointLat[a]!);
    offsetMeters += haversineMeters(pointLon[a]!, pointLat[a]!, snapLon, snapLat);
    const length = segmentMeters[segment]!;
    const fraction = length > 0 ? Math.min(1, offsetMeters / length) : 0;
    const edges = [];
    if (edgeSeconds[2 * segment]! >= 0) edges.push({ edge: 2 * segment, fraction });
    if (edgeSeconds[2 * segment + 1]! >= 0) edges.push({ edge: 2 * segment + 1, fraction: 1 - fraction });
    return {
      edges,
      segment,
      offsetMeters,
      location: [snapLon, snapLat],
      distanceMeters: haversineMeters(lon, lat, snapLon, snapLat),
    };
  }
}
