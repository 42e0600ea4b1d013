# A ticketing system at 10,000 requests a second: users register and log in,
# browse events, book tickets and reserve seats. Bookings and reservations are
# published to Kafka topics; sessions and seat holds live in the cache.
module ticketing.core

app ticketing "Ticketing":
  description: "Event ticketing with seat reservations"

entity User "User":
  id: uuid pk
  email: email required unique
  name: str(200) required
  created_at: datetime auto_add

entity Event "Event":
  id: uuid pk
  title: str(200) required
  starts_at: datetime required
  seats: int required

entity Booking "Booking":
  id: uuid pk
  user: ref User required
  event: ref Event required
  status: enum[pending, confirmed, cancelled]=pending
  created_at: datetime auto_add

entity Reservation "Reservation":
  id: uuid pk
  event: ref Event required
  seat: str(20) required
  booking: ref Booking optional
  expires_at: datetime required
