"""Operations tooling: store configuration, data retention, replicas, benchmark."""
