#!/bin/bash
# Writes server.properties from the KAFKA_* environment the way the official apache/kafka image reads it
# (KAFKA_ prefix, '.' → '_', '_' → '__', '-' → '___'; KAFKA_HEAP_OPTS and KAFKA_OPTS are JVM options),
# formats the log directory once (CLUSTER_ID, or a fixed default) and runs the broker in the foreground.
set -euo pipefail
CONFIG=/opt/kafka/config/server.properties
declare -A props=(
  [node.id]=1
  [process.roles]=broker,controller
  [listeners]=PLAINTEXT://:9092,CONTROLLER://:9093
  [advertised.listeners]=PLAINTEXT://localhost:9092
  [controller.listener.names]=CONTROLLER
  [listener.security.protocol.map]=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
  [controller.quorum.voters]=1@localhost:9093
  [log.dirs]=/var/lib/kafka/data
  [offsets.topic.replication.factor]=1
  [transaction.state.log.replication.factor]=1
  [transaction.state.log.min.isr]=1
  [share.coordinator.state.topic.replication.factor]=1
  [share.coordinator.state.topic.min.isr]=1
  [group.initial.rebalance.delay.ms]=0
)
while IFS='=' read -r name value; do
  case "$name" in
    KAFKA_HEAP_OPTS|KAFKA_OPTS|KAFKA_VERSION|KAFKA_JVM_PERFORMANCE_OPTS|KAFKA_LOG4J_OPTS) continue ;;
    KAFKA_*) ;;
    *) continue ;;
  esac
  key="${name#KAFKA_}"
  key="${key//___/-}"; key="${key//__/@}"; key="${key//_/.}"; key="${key//@/_}"
  props["${key,,}"]="$value"
done < <(env)
: > "$CONFIG"
for key in "${!props[@]}"; do echo "$key=${props[$key]}" >> "$CONFIG"; done
CP="/opt/kafka/libs/*"
QUIET=-Dorg.slf4j.simpleLogger.defaultLogLevel=warn
java $QUIET -cp "$CP" kafka.tools.StorageTool format --ignore-formatted \
  -t "${CLUSTER_ID:-5L6g3nShT-eMCtK--X86sw}" -c "$CONFIG" >/dev/null
exec java ${KAFKA_HEAP_OPTS:--Xms64m -Xmx256m} -XX:+UseSerialGC -XX:ReservedCodeCacheSize=64m -Xss512k \
  -Dorg.slf4j.simpleLogger.defaultLogLevel=info ${KAFKA_OPTS:-} -cp "$CP" kafka.Kafka "$CONFIG"
