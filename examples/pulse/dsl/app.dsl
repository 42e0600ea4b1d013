# Pulse: a blockchain node (Rust, sled ledger in its data directory) that CI
# builds and uploads to S3; the deployment runs it on EC2 behind HTTPS.
module pulse.core

app pulse "Pulse":
  description: "A Pulse ledger node with its HTTP API, run from a CI-built binary"
