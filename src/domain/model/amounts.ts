/** What an order takes up and a vehicle carries, in each of the units the fleet counts. */
export interface Amounts {
  weightKg: number;
  volumeL: number;
  items: number;
}
