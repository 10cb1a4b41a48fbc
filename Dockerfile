# Multi-stage build of the service. Not built in this project's CI (no Docker engine there).
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY . .
RUN dotnet publish src/NotificationService -c Release -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /app .
ENV ASPNETCORE_URLS=http://+:8080 \
    # One JSON object per log line, with trace/span ids and tenant scopes (plain text stays the default for `dotnet run`).
    Logging__Console__FormatterName=json
EXPOSE 8080
# The aspnet images ship the unprivileged `app` user (UID 1654) but do not switch to it themselves.
USER $APP_UID
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 CMD ["dotnet", "NotificationService.dll", "health"]
ENTRYPOINT ["dotnet", "NotificationService.dll"]
CMD ["serve"]
