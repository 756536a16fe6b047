/// The OpenAPI 3 description of the JSON API, served at `/api/openapi.json`. Written by
/// hand; `DashboardTests` checks that it parses and names every API route.
enum OpenAPIDocument {
    static let json = #"""
        {
          "openapi": "3.0.3",
          "info": {
            "title": "lrledger dashboard API",
            "version": "1",
            "description": "Read-only access to an lrledger ledger: runs, their rate series (min/max buckets), segments and audits. With a token, send Authorization: Bearer TOKEN."
          },
          "components": {
            "securitySchemes": { "bearer": { "type": "http", "scheme": "bearer" } },
            "parameters": {
              "name": { "name": "name", "in": "path", "required": true, "description": "The run's name, percent-encoded (a name may hold /).", "schema": { "type": "string" } }
            },
            "responses": {
              "error": { "description": "An error", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } }
            },
            "schemas": {
              "Error": { "type": "object", "required": ["error"], "properties": { "error": { "type": "string" } } },
              "AuditVerdict": {
                "type": "object",
                "required": ["clean", "findings", "rows_checked", "audited_at", "at_step"],
                "properties": {
                  "clean": { "type": "boolean" },
                  "findings": { "type": "integer" },
                  "rows_checked": { "type": "integer", "format": "int64" },
                  "audited_at": { "type": "string", "format": "date-time" },
                  "at_step": { "type": "integer", "format": "int64", "description": "The committed step when it was audited." }
                }
              },
              "Run": {
                "type": "object",
                "required": ["name", "status", "step", "target_steps", "schedule", "dtype", "created_at", "updated_at", "restarts", "schedule_versions"],
                "properties": {
                  "name": { "type": "string" },
                  "status": { "type": "string", "description": "running, running? (writer on another host, heartbeat recent), interrupted, crashed, failed or finished; a run whose writer is gone is not running." },
                  "step": { "type": "integer", "format": "int64", "description": "The committed step counter." },
                  "target_steps": { "type": "integer", "format": "int64" },
                  "schedule": { "type": "string", "description": "The schedule's Keras JSON." },
                  "dtype": { "type": "string", "enum": ["float32", "float64"] },
                  "created_at": { "type": "string", "format": "date-time" },
                  "updated_at": { "type": "string", "format": "date-time" },
                  "last_heartbeat": { "type": "string", "format": "date-time", "nullable": true },
                  "restarts": { "type": "integer" },
                  "schedule_versions": { "type": "integer" },
                  "audit": { "allOf": [{ "$ref": "#/components/schemas/AuditVerdict" }], "nullable": true }
                }
              },
              "Segment": {
                "type": "object",
                "required": ["id", "pid", "host", "start_step", "started_at", "heartbeat_at"],
                "properties": {
                  "id": { "type": "integer", "format": "int64" },
                  "pid": { "type": "integer" },
                  "host": { "type": "string" },
                  "start_step": { "type": "integer", "format": "int64" },
                  "end_step": { "type": "integer", "format": "int64", "nullable": true },
                  "started_at": { "type": "string" },
                  "ended_at": { "type": "string", "nullable": true },
                  "heartbeat_at": { "type": "string" },
                  "end_reason": { "type": "string", "nullable": true, "enum": ["finished", "interrupted", "crashed", "failed", null] },
                  "rewound_from": { "type": "integer", "format": "int64", "nullable": true }
                }
              },
              "Mark": {
                "type": "object",
                "required": ["kind", "step", "label"],
                "properties": {
                  "kind": { "type": "string", "enum": ["restart", "schedule_change"] },
                  "step": { "type": "integer", "format": "int64" },
                  "label": { "type": "string" }
                }
              },
              "RunDetail": {
                "type": "object",
                "required": ["run", "settings", "segments", "schedules", "checkpoints", "logged_rows", "superseded_rows", "events", "marks"],
                "properties": {
                  "run": { "$ref": "#/components/schemas/Run" },
                  "settings": { "type": "string", "description": "The run's stored settings (JSON text)." },
                  "segments": { "type": "array", "items": { "$ref": "#/components/schemas/Segment" } },
                  "schedules": {
                    "type": "array",
                    "items": {
                      "type": "object",
                      "properties": {
                        "id": { "type": "integer" }, "from_step": { "type": "integer" }, "config": { "type": "string" },
                        "dtype": { "type": "string" }, "created_at": { "type": "string" }, "checksum_matches": { "type": "boolean" }
                      }
                    }
                  },
                  "latest_checkpoint": {
                    "type": "object", "nullable": true,
                    "properties": {
                      "step": { "type": "integer" }, "sha256": { "type": "string" }, "bytes": { "type": "integer" },
                      "created_at": { "type": "string" }, "file": { "type": "string", "nullable": true }
                    }
                  },
                  "checkpoints": { "type": "integer", "description": "How many checkpoints are kept." },
                  "logged_rows": { "type": "integer", "format": "int64" },
                  "superseded_rows": { "type": "integer", "format": "int64" },
                  "events": {
                    "type": "array",
                    "items": {
                      "type": "object",
                      "properties": {
                        "id": { "type": "integer" }, "at": { "type": "string" }, "kind": { "type": "string" },
                        "step": { "type": "integer", "nullable": true }, "message": { "type": "string" }
                      }
                    }
                  },
                  "chain_head": { "type": "string", "nullable": true },
                  "marks": { "type": "array", "items": { "$ref": "#/components/schemas/Mark" } }
                }
              },
              "Series": {
                "type": "object",
                "required": ["run", "from", "to", "origin", "width", "buckets"],
                "properties": {
                  "run": { "type": "string" },
                  "from": { "type": "integer", "format": "int64" },
                  "to": { "type": "integer", "format": "int64" },
                  "origin": { "type": "integer", "format": "int64", "description": "Where bucket 0 nominally starts: from when width is under 1024, otherwise from rounded down to a multiple of 1024." },
                  "width": { "type": "integer", "format": "int64", "description": "Steps per bucket: bucket i holds the steps of from..to from origin + i*width to origin + (i+1)*width - 1. Let w be the least width giving at most `buckets` buckets from `from`: under 1024, width is w and origin is from; otherwise width is the least multiple of 1024 giving at most `buckets` buckets from origin, so buckets fall on the ledger's 1024-step summary blocks (the first and last bucket may hold fewer steps). Depends only on from, to and buckets. Empty buckets are left out." },
                  "buckets": {
                    "type": "array",
                    "items": {
                      "type": "object",
                      "required": ["first_step", "last_step", "count", "min_rate", "max_rate"],
                      "properties": {
                        "first_step": { "type": "integer", "format": "int64" },
                        "last_step": { "type": "integer", "format": "int64" },
                        "count": { "type": "integer", "format": "int64" },
                        "min_rate": { "type": "number" },
                        "max_rate": { "type": "number" },
                        "min_loss": { "type": "number", "nullable": true },
                        "max_loss": { "type": "number", "nullable": true }
                      }
                    }
                  }
                }
              },
              "Audit": {
                "type": "object",
                "required": ["run", "verdict", "findings", "differences", "last_step"],
                "properties": {
                  "run": { "type": "string" },
                  "verdict": { "$ref": "#/components/schemas/AuditVerdict" },
                  "segments_checked": { "type": "integer" },
                  "schedules_checked": { "type": "integer" },
                  "checkpoints_checked": { "type": "integer" },
                  "links_checked": { "type": "integer" },
                  "chain_head": { "type": "string", "nullable": true },
                  "findings": {
                    "type": "array",
                    "items": { "type": "object", "properties": { "kind": { "type": "string" }, "step": { "type": "integer", "nullable": true }, "message": { "type": "string" } } }
                  },
                  "differences": {
                    "type": "array",
                    "description": "Each step with a wrong rate: logged, recomputed and logged minus recomputed.",
                    "items": { "type": "object", "properties": { "step": { "type": "integer" }, "logged": { "type": "number" }, "recomputed": { "type": "number" }, "difference": { "type": "number" } } }
                  },
                  "last_step": { "type": "integer", "format": "int64" }
                }
              }
            }
          },
          "security": [{ "bearer": [] }, {}],
          "paths": {
            "/api/runs": {
              "get": {
                "summary": "Every run, with liveness-aware status and last audit verdict",
                "responses": {
                  "200": { "description": "The runs", "content": { "application/json": { "schema": { "type": "array", "items": { "$ref": "#/components/schemas/Run" } } } } },
                  "401": { "$ref": "#/components/responses/error" }
                }
              }
            },
            "/api/runs/{name}": {
              "get": {
                "summary": "One run: summary, segments, schedules, checkpoints, events and chart marks",
                "parameters": [{ "$ref": "#/components/parameters/name" }],
                "responses": {
                  "200": { "description": "The run", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/RunDetail" } } } },
                  "401": { "$ref": "#/components/responses/error" },
                  "404": { "$ref": "#/components/responses/error" }
                }
              }
            },
            "/api/runs/{name}/series": {
              "get": {
                "summary": "The rate and loss over a step range in at most `buckets` min/max buckets",
                "parameters": [
                  { "$ref": "#/components/parameters/name" },
                  { "name": "from", "in": "query", "schema": { "type": "integer", "minimum": 0, "default": 0 } },
                  { "name": "to", "in": "query", "description": "Inclusive; defaults to the last committed step.", "schema": { "type": "integer" } },
                  { "name": "buckets", "in": "query", "schema": { "type": "integer", "minimum": 1, "maximum": 2000, "default": 2000 } }
                ],
                "responses": {
                  "200": { "description": "The buckets", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Series" } } } },
                  "400": { "$ref": "#/components/responses/error" },
                  "401": { "$ref": "#/components/responses/error" },
                  "404": { "$ref": "#/components/responses/error" }
                }
              }
            },
            "/api/runs/{name}/segments": {
              "get": {
                "summary": "The run's segments: its restart history",
                "parameters": [{ "$ref": "#/components/parameters/name" }],
                "responses": {
                  "200": { "description": "The segments", "content": { "application/json": { "schema": { "type": "array", "items": { "$ref": "#/components/schemas/Segment" } } } } },
                  "401": { "$ref": "#/components/responses/error" },
                  "404": { "$ref": "#/components/responses/error" }
                }
              }
            },
            "/api/runs/{name}/audit": {
              "get": {
                "summary": "The run's audit: verdict, findings, and logged minus recomputed rate where they differ",
                "parameters": [{ "$ref": "#/components/parameters/name" }],
                "responses": {
                  "200": { "description": "The audit", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Audit" } } } },
                  "401": { "$ref": "#/components/responses/error" },
                  "404": { "$ref": "#/components/responses/error" }
                }
              }
            }
          }
        }

        """#
}
