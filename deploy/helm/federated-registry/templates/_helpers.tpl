{{/*
Names, labels and the values every template shares. Template actions stay on one line each (outside comments):
the chart's tests blank them line by line to check that every template is well-formed YAML.
*/}}

{{/* The chart name, or nameOverride. */}}
{{- define "federated-registry.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* The prefix of every resource name: release name and chart name (once when the release name has it), or fullnameOverride. */}}
{{- define "federated-registry.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/* chart-version, as the helm.sh/chart label wants it. */}}
{{- define "federated-registry.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* The standard app.kubernetes.io labels of every resource, and commonLabels. */}}
{{- define "federated-registry.labels" -}}
helm.sh/chart: {{ include "federated-registry.chart" . }}
app.kubernetes.io/name: {{ include "federated-registry.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: federated-registry
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/* The labels of the node's silos and of what serves them (Deployment, pods, Services, PodDisruptionBudget). */}}
{{- define "federated-registry.nodeLabels" -}}
{{ include "federated-registry.labels" . }}
app.kubernetes.io/component: node
{{- end }}

{{/* The labels that select the node's silos (Deployment, Services, PodDisruptionBudget, NetworkPolicy). */}}
{{- define "federated-registry.selectorLabels" -}}
app.kubernetes.io/name: {{ include "federated-registry.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: node
{{- end }}

{{/* The ServiceAccount of the node pods. */}}
{{- define "federated-registry.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "federated-registry.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* An image reference from {registry, repository, tag, digest} and a default tag: registry/repository@digest or :tag. */}}
{{- define "federated-registry.imageRef" -}}
{{- $image := .image }}
{{- $repository := $image.repository }}
{{- if $image.registry }}
{{- $repository = printf "%s/%s" $image.registry $image.repository }}
{{- end }}
{{- if $image.digest }}
{{- printf "%s@%s" $repository $image.digest }}
{{- else }}
{{- printf "%s:%s" $repository (default .defaultTag $image.tag | toString) }}
{{- end }}
{{- end }}

{{/* Where the pods find what the chart mounts. The image's data directory is /var/lib/fedreg. */}}
{{- define "federated-registry.dataDirectory" -}}/var/lib/fedreg{{- end }}
{{- define "federated-registry.signingKeyDirectory" -}}/etc/fedreg/signing-key{{- end }}
{{- define "federated-registry.certificateDirectory" -}}/etc/fedreg/federation-tls{{- end }}
{{- define "federated-registry.policyDirectory" -}}/etc/fedreg/policy{{- end }}
{{- define "federated-registry.databaseCaDirectory" -}}/etc/fedreg/database-ca{{- end }}

{{/* Whether a sharing policy is mounted (from sharing.policy or an existing ConfigMap). */}}
{{- define "federated-registry.hasPolicy" -}}
{{- if or .Values.sharing.existingConfigMap .Values.sharing.policy }}true{{ end }}
{{- end }}

{{/* The policy ConfigMap's name and key. */}}
{{- define "federated-registry.policyConfigMap" -}}
{{- default (printf "%s-policy" (include "federated-registry.fullname" .)) .Values.sharing.existingConfigMap }}
{{- end }}
{{- define "federated-registry.policyKey" -}}
{{- if .Values.sharing.existingConfigMap }}{{ .Values.sharing.existingConfigMapKey }}{{ else }}policy.json{{ end }}
{{- end }}

{{/* database.sslMode (libpq spelling, which psql takes as PGSSLMODE) in Npgsql's spelling. */}}
{{- define "federated-registry.npgsqlSslMode" -}}
{{- $modes := dict "disable" "Disable" "allow" "Allow" "prefer" "Prefer" "require" "Require" "verify-ca" "VerifyCA" "verify-full" "VerifyFull" }}
{{- get $modes .Values.database.sslMode }}
{{- end }}

{{/*
The node's Npgsql connection string (ConnectionStrings:Registry). The password comes from the environment variable
FEDREG_DATABASE_PASSWORD, defined before it from the Secret: Kubernetes expands $(FEDREG_DATABASE_PASSWORD) when it
starts the container, so the password is never in a ConfigMap or in the rendered manifest. It is double-quoted so that
';' and '=' in it are kept (a double quote in the password is not supported).
*/}}
{{- define "federated-registry.connectionString" -}}
{{- $db := .Values.database }}
{{- $cs := printf "Host=%s;Port=%v;Database=%s;Username=%s;Password=\"$(FEDREG_DATABASE_PASSWORD)\";SSL Mode=%s;Maximum Pool Size=%v" $db.host $db.port $db.name $db.username (include "federated-registry.npgsqlSslMode" .) $db.maxPoolSize }}
{{- if $db.caCertificate.existingSecret }}
{{- $cs = printf "%s;Root Certificate=%s/%s" $cs (include "federated-registry.databaseCaDirectory" .) $db.caCertificate.key }}
{{- end }}
{{- $cs }}
{{- end }}

{{/*
The settings a node cannot start without, checked when the chart renders so that a missing one fails the install
with a sentence naming the value instead of a crash-looping pod.
*/}}
{{- define "federated-registry.validate" -}}
{{- $_ := required "node.code is required: the jurisdiction's ISO 3166-1 alpha-2 code (e.g. KE) or an observer code (e.g. INTL)" .Values.node.code }}
{{- $_ = required "node.name is required: the name of the authority that runs the node" .Values.node.name }}
{{- $_ = required "database.host is required: the PostgreSQL server of the node" .Values.database.host }}
{{- $_ = required "database.existingSecret is required: the Secret with the PostgreSQL password" .Values.database.existingSecret }}
{{- $_ = required "federation.signingKey.existingSecret is required: every silo must sign with the same node key" .Values.federation.signingKey.existingSecret }}
{{- $_ = required "federation.certificate.existingSecret is required: every silo must present the certificate peers pin" .Values.federation.certificate.existingSecret }}
{{- $_ = required "auth.audience is required: the aud of the tokens for this node" .Values.auth.audience }}
{{- if not (or .Values.auth.issuer .Values.auth.authority) }}
{{- fail "auth.issuer or auth.authority is required: who issues the bearer tokens this node accepts" }}
{{- end }}
{{- if not (or .Values.auth.authority .Values.auth.signingKeys.keys) }}
{{- fail "auth.signingKeys (existingSecret and keys) or auth.authority is required: how the node gets the issuer's public keys" }}
{{- end }}
{{- if and .Values.auth.signingKeys.keys (not .Values.auth.signingKeys.existingSecret) }}
{{- fail "auth.signingKeys.existingSecret is required when auth.signingKeys.keys is set" }}
{{- end }}
{{- if le (int .Values.terminationGracePeriodSeconds) (add .Values.preStopSleepSeconds .Values.shutdownTimeoutSeconds | int) }}
{{- fail "terminationGracePeriodSeconds must be more than preStopSleepSeconds + shutdownTimeoutSeconds, or the silo is killed before it has handed its grains off" }}
{{- end }}
{{- if and .Values.podDisruptionBudget.enabled (gt (int .Values.replicaCount) 1) (not (kindIs "string" .Values.podDisruptionBudget.maxUnavailable)) (ge (int .Values.podDisruptionBudget.maxUnavailable) (int .Values.replicaCount)) }}
{{- fail "podDisruptionBudget.maxUnavailable must be less than replicaCount, or a node drain may evict every silo at once and the node stops answering" }}
{{- end }}
{{- end }}
