"""The outbox drainer: claim -> render -> send -> mark (see worker.main)."""
