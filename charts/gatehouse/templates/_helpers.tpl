{{/* The release's full name (objects are named after it). */}}
{{- define "gatehouse.fullname" -}}
{{- if contains .Chart.Name .Release.Name }}{{ .Release.Name | trunc 63 | trimSuffix "-" }}{{ else }}{{ printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" }}{{ end }}
{{- end }}

{{- define "gatehouse.labels" -}}
app.kubernetes.io/name: gatehouse
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end }}

{{- define "gatehouse.selectorLabels" -}}
app.kubernetes.io/name: gatehouse
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: controller
{{- end }}

{{- define "gatehouse.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}{{ default (include "gatehouse.fullname" .) .Values.serviceAccount.name }}{{ else }}{{ default "default" .Values.serviceAccount.name }}{{ end }}
{{- end }}

{{/* repository:tag, pinned as repository:tag@sha256:... when a digest is given (the digest wins). */}}
{{- define "gatehouse.image" -}}
{{- $tag := default .Chart.AppVersion .Values.image.tag -}}
{{- .Values.image.repository }}:{{ $tag }}{{ with .Values.image.digest }}@{{ . }}{{ end }}
{{- end }}

{{- define "gatehouse.adminSecretName" -}}
{{- default (printf "%s-admin-token" (include "gatehouse.fullname" .)) .Values.admin.existingSecret }}
{{- end }}

{{- define "gatehouse.xdsServiceName" -}}{{ include "gatehouse.fullname" . }}-xds{{- end }}
{{- define "gatehouse.xdsCaSecretName" -}}{{ include "gatehouse.fullname" . }}-xds-ca{{- end }}

{{/* The `gatehouse serve` arguments: one place, so the Deployment and the tests agree on them. */}}
{{- define "gatehouse.args" -}}
- serve
- --data-dir=/var/lib/gatehouse
- --log-level={{ .Values.logLevel }}
- --admin-address=0.0.0.0
- --admin-port={{ .Values.admin.port }}
- --xds-address={{ .Values.xds.address }}
- --xds-port={{ .Values.xds.port }}
{{- if .Values.xds.tls.enabled }}
- --xds-tls
- --xds-ca-secret={{ include "gatehouse.xdsCaSecretName" . }}
{{- else if .Values.xds.insecure }}
- --xds-insecure
{{- else }}
{{- fail "xds.tls.enabled=false needs xds.insecure=true: plaintext xDS on a pod address gives any pod every Gateway's TLS keys" }}
{{- end }}
- --leader-election-namespace={{ .Release.Namespace }}
- --status-qps={{ .Values.statusQps }}
{{- with .Values.watchNamespaces }}
- --watch-namespaces={{ join "," . }}
{{- end }}
{{- if .Values.provisioning.enabled }}
- --provision=kubernetes
- --provision-xds-address={{ include "gatehouse.xdsServiceName" . }}.{{ .Release.Namespace }}.svc.{{ .Values.clusterDomain }}:{{ .Values.xds.port }}
- --provision-envoy-image={{ .Values.provisioning.envoyImage }}
{{- end }}
{{- if .Values.database.existingSecret }}
- --db=$(GATEHOUSE_DB_URL)
{{- end }}
{{- range .Values.plugins }}
- --plugin={{ . }}
{{- end }}
{{- range .Values.extraArgs }}
- {{ . | quote }}
{{- end }}
{{- end }}
