module ticketing.events

use ticketing.core

channel booking_events "Booking Events":
  kind: stream

  config:
    retention: 7d
    partition_key: event_id

event_model:
  topic seat_holds:
    retention: 1d
    partition_key: event_id

  event SeatHeld:
    topic: seat_holds
