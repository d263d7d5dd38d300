# The simulated platforms on their own (yrapi and SUP profiles on consecutive ports from 9100, ground truth at
# <platform>/sim/orders and /sim/metrics). Build from the repository root: docker build -f compose/simulator.Dockerfile .
FROM eclipse-temurin:17-jdk AS build
WORKDIR /src
COPY . .
RUN ./mvnw -B -ntp -pl simulator -am package -DskipTests

FROM eclipse-temurin:17-jre
RUN useradd --system --uid 10002 simulator
USER simulator
COPY --from=build /src/simulator/target/cardwatch-simulator-0.1.0-SNAPSHOT-exec.jar /opt/cardwatch/simulator.jar
EXPOSE 9100-9120
ENTRYPOINT ["java", "-jar", "/opt/cardwatch/simulator.jar"]
CMD ["--port", "9100", "--bind", "0.0.0.0"]
