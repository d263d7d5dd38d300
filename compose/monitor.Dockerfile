# The Cardwatch monitor. Build from the repository root: docker build -f compose/monitor.Dockerfile .
FROM eclipse-temurin:17-jdk AS build
WORKDIR /src
COPY . .
RUN ./mvnw -B -ntp -pl monitor -am package -DskipTests

FROM eclipse-temurin:17-jre
RUN useradd --system --uid 10001 cardwatch && mkdir /data && chown cardwatch /data
USER cardwatch
WORKDIR /data
COPY --from=build /src/monitor/target/cardwatch-monitor-0.1.0-SNAPSHOT.jar /opt/cardwatch/monitor.jar
EXPOSE 8080
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/opt/cardwatch/monitor.jar"]
