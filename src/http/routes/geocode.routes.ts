/** GET /api/v1/geocode: an address as the console's new-order form types it, to a location and a confidence. */
import { z } from 'zod';
import { PlacementError, placeOrder, type Geocoding } from '../../geocoding/place-order';
import { geocodeAlternativeSchema, lonLatSchema } from '../../protocol/orders';
import { geocodeConfidences } from '../../domain/model/order';
import { invalidInput } from '../../errors';
import { apiMount, type Mount } from '../mount';

const geocodeQuerySchema = z.object({
  q: z.string().trim().min(1).max(500).optional().describe('The address as one line, e.g. "Hauptstraße 12, 69117 Heidelberg"'),
  street: z.string().trim().min(1).max(200).optional(),
  houseNumber: z.string().trim().min(1).max(20).optional(),
  postcode: z.string().trim().min(1).max(20).optional(),
  city: z.string().trim().min(1).max(200).optional(),
});

const geocodeResponseSchema = z
  .object({
    location: lonLatSchema,
    confidence: z.enum(geocodeConfidences.filter((confidence) => confidence !== 'given') as ['exact', 'street']),
    addressText: z.string(),
    alternatives: z.array(geocodeAlternativeSchema).describe('street only: other places the address may be; empty when it names one'),
  })
  .meta({ id: 'GeocodeResult' });

export function geocodeMount(geocoding: Geocoding): Mount {
  return apiMount((api) => {
    api.endpoint(
      {
        method: 'get',
        path: '/geocode',
        operationId: 'geocodeAddress',
        summary: 'Geocode an address: exact (a known address) or street (placed on the street, confirm the pin); 400 names why not',
        description: "Refused as not found or outside the only depot's service area, never placed elsewhere. A street the address cannot tell from another of its name is street on one, the others as alternatives.",
        tag: 'orders',
        roles: ['admin', 'dispatcher'],
        query: geocodeQuerySchema,
        response: geocodeResponseSchema,
      },
      async ({ query }) => {
        const { q, ...fields } = query;
        if (q === undefined && fields.street === undefined) throw invalidInput('Give the address', [{ path: 'query.q', message: 'is required: the address as one line (q) or as fields (street …)' }]);
        try {
          const placement = await placeOrder({ addressText: q, address: fields.street ? { ...fields, street: fields.street } : undefined }, geocoding, null);
          return { location: placement.location, confidence: placement.geocodeConfidence as 'exact' | 'street', addressText: placement.addressText, alternatives: placement.geocodeAlternatives };
        } catch (error) {
          // The query's own names: addressText is q here, address.street is street.
          if (error instanceof PlacementError) throw new PlacementError(['query', error.path[0] === 'addressText' ? 'q' : String(error.path[1] ?? error.path[0])], error.message, error.unavailable);
          throw error;
        }
      },
    );
  });
}
