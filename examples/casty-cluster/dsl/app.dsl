# The Casty actor cluster: ten nodes, each running FastAPI in front of sharded
# Counter and KV entities. The entities live in the actors' memory, not in a
# database, so the DSL declares the app and the HTTP surface it serves.
module casty_cluster.core

app casty_cluster "Casty Cluster":
  description: "Sharded Counter and KV entities on a ten-node Casty cluster behind a load balancer"

surface cluster_api "Cluster API":
  uses entity: none
  mode: list
