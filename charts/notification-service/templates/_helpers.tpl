{{/* Names ---------------------------------------------------------------------------------- */}}

{{- define "notification-service.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Release-scoped name; components append "-api", "-worker", "-migrate" (so keep room: 52 chars). */}}
{{- define "notification-service.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 52 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 52 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 52 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "notification-service.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels. Call with (dict "root" $ "component" "api"); component may be empty. */}}
{{- define "notification-service.labels" -}}
helm.sh/chart: {{ include "notification-service.chart" .root }}
{{ include "notification-service.selectorLabels" . }}
app.kubernetes.io/version: {{ .root.Values.image.tag | default .root.Chart.AppVersion | trunc 63 | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
app.kubernetes.io/part-of: notification-service
{{- end }}

{{/* Selector labels are immutable on a Deployment: never add anything that can change here. */}}
{{- define "notification-service.selectorLabels" -}}
app.kubernetes.io/name: {{ include "notification-service.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
{{- with .component }}
app.kubernetes.io/component: {{ . }}
{{- end }}
{{- end }}

{{- define "notification-service.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "notification-service.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "notification-service.image" -}}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository (.Values.image.tag | default .Chart.AppVersion) }}
{{- end }}
{{- end }}

{{/* Migrations:OnStart for api/worker: explicit value, else only when no hook Job runs them. */}}
{{- define "notification-service.migrateOnStart" -}}
{{- if kindIs "bool" .Values.migrations.onStart }}
{{- .Values.migrations.onStart }}
{{- else }}
{{- not .Values.migrations.job.enabled }}
{{- end }}
{{- end }}

{{/* Validation --------------------------------------------------------------------------------
Fail the render rather than deploy pods that would fall back to the embedded developer defaults
(a private PostgreSQL / a per-pod local encryption key), which are wrong in a cluster. */}}
{{- define "notification-service.validate" -}}
{{- if not .Values.postgres.existingSecret }}
{{- fail "postgres.existingSecret is required: name an existing Secret holding the PostgreSQL connection string (see the chart README)." }}
{{- end }}
{{- if not .Values.postgres.connectionStringKey }}
{{- fail "postgres.connectionStringKey must not be empty." }}
{{- end }}
{{- if not .Values.secrets.existingSecret }}
{{- fail "secrets.existingSecret is required: name an existing Secret holding the provider-secret encryption keys (see the chart README)." }}
{{- end }}
{{- if not .Values.secrets.keys }}
{{- fail "secrets.keys must list at least one {id, secretKey}." }}
{{- end }}
{{- $ids := list }}
{{- range .Values.secrets.keys }}
{{- if not (regexMatch "^[A-Za-z0-9][A-Za-z0-9.-]*$" (toString .id)) }}
{{- fail (printf "secrets.keys: id %q must be letters, digits, '.' or '-' (it becomes part of an environment variable name)." (toString .id)) }}
{{- end }}
{{- if not .secretKey }}
{{- fail (printf "secrets.keys: id %q needs a secretKey." (toString .id)) }}
{{- end }}
{{- $ids = append $ids (toString .id) }}
{{- end }}
{{- if not (has (toString .Values.secrets.activeKeyId) $ids) }}
{{- fail (printf "secrets.activeKeyId %q is not one of secrets.keys ids %v." (toString .Values.secrets.activeKeyId) $ids) }}
{{- end }}
{{- end }}

{{/* Env ---------------------------------------------------------------------------------------- */}}

{{/* Values read from existing Secrets: the connection string and the encryption keys. */}}
{{- define "notification-service.secretEnv" -}}
- name: ConnectionStrings__Postgres
  valueFrom:
    secretKeyRef:
      name: {{ .Values.postgres.existingSecret }}
      key: {{ .Values.postgres.connectionStringKey }}
- name: Secrets__ActiveKeyId
  value: {{ .Values.secrets.activeKeyId | toString | quote }}
{{- range .Values.secrets.keys }}
- name: Secrets__Keys__{{ .id }}
  valueFrom:
    secretKeyRef:
      name: {{ $.Values.secrets.existingSecret }}
      key: {{ .secretKey }}
{{- end }}
{{- end }}

{{/* Pod template shared by the api and worker Deployments.
Call with (dict "root" $ "component" "api" "values" .Values.api "env" (list ...extra env entries)). */}}
{{- define "notification-service.podTemplate" -}}
{{- $root := .root -}}
{{- $c := .values -}}
metadata:
  labels:
    {{- include "notification-service.labels" (dict "root" $root "component" .component) | nindent 4 }}
    {{- with $root.Values.podLabels }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
  annotations:
    # Roll the pods when the ConfigMap changes (Secrets are external: see README to restart on rotation).
    checksum/config: {{ include (print $root.Template.BasePath "/configmap.yaml") $root | sha256sum }}
    {{- with (merge (dict) $c.podAnnotations $root.Values.podAnnotations) }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
spec:
  serviceAccountName: {{ include "notification-service.serviceAccountName" $root }}
  automountServiceAccountToken: {{ $root.Values.serviceAccount.automountToken }}
  {{- with $root.Values.imagePullSecrets }}
  imagePullSecrets:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  securityContext:
    {{- toYaml $root.Values.podSecurityContext | nindent 4 }}
  terminationGracePeriodSeconds: {{ $c.terminationGracePeriodSeconds }}
  containers:
    - name: {{ .component }}
      image: {{ include "notification-service.image" $root | quote }}
      imagePullPolicy: {{ $root.Values.image.pullPolicy }}
      args: ["serve"]
      ports:
        # Set by the image (ASPNETCORE_URLS=http://+:8080); non-root can bind it.
        - name: http
          containerPort: 8080
          protocol: TCP
      envFrom:
        - configMapRef:
            name: {{ include "notification-service.fullname" $root }}
        {{- with $root.Values.extraEnvFrom }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      env:
        - name: Mode
          value: {{ .component | quote }}
        - name: Migrations__OnStart
          value: {{ include "notification-service.migrateOnStart" $root | quote }}
        {{- with .env }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
        {{- include "notification-service.secretEnv" $root | nindent 8 }}
        {{- with $root.Values.extraEnv }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
        {{- with $c.extraEnv }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      startupProbe:
        {{- toYaml $root.Values.probes.startup | nindent 8 }}
      livenessProbe:
        {{- toYaml $root.Values.probes.liveness | nindent 8 }}
      readinessProbe:
        {{- toYaml $root.Values.probes.readiness | nindent 8 }}
      {{- if $c.preStopSleepSeconds }}
      lifecycle:
        preStop:
          exec:
            command: ["sleep", {{ $c.preStopSleepSeconds | quote }}]
      {{- end }}
      resources:
        {{- toYaml $c.resources | nindent 8 }}
      securityContext:
        {{- toYaml $root.Values.securityContext | nindent 8 }}
      volumeMounts:
        - name: tmp
          mountPath: /tmp
  volumes:
    # Writable scratch space; the root filesystem is read-only.
    - name: tmp
      emptyDir:
        sizeLimit: 256Mi
  {{- with $c.nodeSelector }}
  nodeSelector:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with $c.tolerations }}
  tolerations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with $c.topologySpreadConstraints }}
  topologySpreadConstraints:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- if $c.affinity }}
  affinity:
    {{- toYaml $c.affinity | nindent 4 }}
  {{- else if $c.podAntiAffinity }}
  affinity:
    podAntiAffinity:
      {{- $term := dict "topologyKey" "kubernetes.io/hostname" "labelSelector" (dict "matchLabels" (include "notification-service.selectorLabels" (dict "root" $root "component" .component) | fromYaml)) }}
      {{- if eq $c.podAntiAffinity "hard" }}
      requiredDuringSchedulingIgnoredDuringExecution:
        {{- list $term | toYaml | nindent 8 }}
      {{- else if eq $c.podAntiAffinity "soft" }}
      preferredDuringSchedulingIgnoredDuringExecution:
        - weight: 100
          podAffinityTerm:
            {{- toYaml $term | nindent 12 }}
      {{- else }}
      {{- fail (printf "podAntiAffinity must be soft, hard or empty, not %q" $c.podAntiAffinity) }}
      {{- end }}
  {{- end }}
{{- end }}

{{/* A values scalar as an env string. Helm reads YAML numbers as float64, so 1073741824 would
print as 1.073741824e+09: whole numbers are printed as integers. */}}
{{- define "notification-service.scalar" -}}
{{- if and (kindIs "float64" .) (eq . (float64 (int64 .))) }}
{{- int64 . }}
{{- else }}
{{- toString . }}
{{- end }}
{{- end }}
