/**
 * Solomon / Gehring–Homberger VRPTW text → VroomProblem, with the standard convention:
 * job id = location_index = customer number (0 is the depot), durations = distances = unrounded Euclidean,
 * NUMBER vehicles of CAPACITY working within the depot's [ready, due], each starting and ending at the depot,
 * one window [ready, due] per customer in which service must start, and per_hour 3600 so cost = total distance.
 */
import type { VroomProblem } from '../model/vroom';
import { FormatError } from './format-error';

export interface SolomonNode {
  id: number;
  x: number;
  y: number;
  demand: number;
  readyTime: number;
  dueDate: number;
  serviceTime: number;
}

export interface SolomonInstance {
  name: string;
  vehicleCount: number;
  capacity: number;
  /** nodes[0] is the depot; nodes[i].id === i. */
  nodes: SolomonNode[];
  problem: VroomProblem;
}

const NODE_COLUMNS = 7;

export function parseSolomon(text: string): SolomonInstance {
  const lines = text.split(/\r?\n/);
  const name = lines.find((line) => line.trim() !== '')?.trim();
  if (!name) throw new FormatError('Solomon file is empty');

  // Numeric rows: the first is "NUMBER CAPACITY", the rest are nodes. Header and blank lines hold no numbers.
  const rows: { lineNumber: number; values: number[] }[] = [];
  lines.forEach((line, index) => {
    const fields = line.trim().split(/\s+/);
    if (fields[0] === '' || !/^-?\d/.test(fields[0]!)) return;
    const values = fields.map(Number);
    const bad = fields.findIndex((field, column) => !Number.isFinite(values[column]) || field === '');
    if (bad >= 0) throw new FormatError(`Solomon line ${index + 1}: "${fields[bad]}" is not a number`);
    rows.push({ lineNumber: index + 1, values });
  });

  const fleet = rows.shift();
  if (!fleet || fleet.values.length !== 2) {
    throw new FormatError(`Solomon line ${fleet?.lineNumber ?? lines.length}: expected "NUMBER CAPACITY" (two numbers) after VEHICLE`);
  }
  const [vehicleCount, capacity] = fleet.values as [number, number];
  if (!Number.isInteger(vehicleCount) || vehicleCount < 1) {
    throw new FormatError(`Solomon line ${fleet.lineNumber}: vehicle NUMBER must be a positive integer, got ${vehicleCount}`);
  }
  if (capacity < 0) throw new FormatError(`Solomon line ${fleet.lineNumber}: CAPACITY must not be negative, got ${capacity}`);

  const nodes = rows.map(({ lineNumber, values }, expectedId): SolomonNode => {
    if (values.length !== NODE_COLUMNS) {
      throw new FormatError(`Solomon line ${lineNumber}: expected ${NODE_COLUMNS} columns (id x y demand ready due service), got ${values.length}`);
    }
    const [id, x, y, demand, readyTime, dueDate, serviceTime] = values as [number, number, number, number, number, number, number];
    if (id !== expectedId) throw new FormatError(`Solomon line ${lineNumber}: expected customer ${expectedId}, got ${id}`);
    if (readyTime > dueDate) throw new FormatError(`Solomon line ${lineNumber}: ready time ${readyTime} is after due date ${dueDate}`);
    if (demand < 0 || serviceTime < 0) throw new FormatError(`Solomon line ${lineNumber}: demand and service time must not be negative`);
    return { id, x, y, demand, readyTime, dueDate, serviceTime };
  });
  if (nodes.length === 0) throw new FormatError('Solomon file has no depot row (customer 0)');

  return { name, vehicleCount, capacity, nodes, problem: solomonProblem(nodes, vehicleCount, capacity) };
}

function solomonProblem(nodes: SolomonNode[], vehicleCount: number, capacity: number): VroomProblem {
  const depot = nodes[0]!;
  const euclidean = nodes.map((from) => nodes.map((to) => Math.hypot(from.x - to.x, from.y - to.y)));
  return {
    jobs: nodes.slice(1).map((node) => ({
      id: node.id,
      location_index: node.id,
      service: node.serviceTime,
      delivery: [node.demand],
      time_windows: [[node.readyTime, node.dueDate]],
    })),
    vehicles: Array.from({ length: vehicleCount }, (_, index) => ({
      id: index + 1,
      start_index: 0,
      end_index: 0,
      capacity: [capacity],
      time_window: [depot.readyTime, depot.dueDate],
      costs: { per_hour: 3600 },
    })),
    matrices: { car: { durations: euclidean, distances: euclidean } },
  };
}
