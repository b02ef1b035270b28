/** Who may do what: admins run the installation, dispatchers plan and dispatch, drivers see their own vehicle. */
export const roles = ['admin', 'dispatcher', 'driver'] as const;
export type Role = (typeof roles)[number];

/** The statuses a driver moves their own orders to on the road; everything else is the office's. */
export const driverTargetStatuses = ['out_for_delivery', 'arrived', 'delivered', 'failed'] as const;
