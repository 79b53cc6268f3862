"""The OpenAPI 3.1 document served at /openapi.json: every route of the API, its bodies and its answers."""

from __future__ import annotations

from typing import Any

from vista_desktop import protocol as p

_ERROR = {"$ref": "#/components/schemas/Error"}
_STATUS = {"$ref": "#/components/schemas/Submission"}
_BEARER: list[dict[str, list[str]]] = [{"bearer": []}]
_TUS_RESUMABLE = {"name": "Tus-Resumable", "in": "header", "required": True, "schema": {"const": p.TUS_VERSION}}
_UPLOAD_ID = {
    "name": "upload_id",
    "in": "path",
    "required": True,
    "schema": {"type": "string", "pattern": "^[0-9a-f]{32}$"},
}
_SUBMISSION_ID = {"name": "submission", "in": "path", "required": True, "schema": {"type": "string", "format": "uuid"}}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _errors(*codes: int) -> dict[str, Any]:
    return {str(code): _json(_ERROR, "refused") for code in codes}


def _header(description: str) -> dict[str, Any]:
    return {"description": description, "schema": {"type": "string"}}


def openapi_document() -> dict[str, Any]:
    file_entry = {
        "type": "object",
        "required": ["path", "size", "sha256"],
        "properties": {
            "path": {"type": "string", "description": "relative, forward slashes, no '..'"},
            "size": {"type": "integer", "minimum": 0},
            "sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
            "slot": {"type": "string"},
        },
    }
    schemas = {
        "Error": {
            "type": "object",
            "required": ["protocol", "error"],
            "properties": {
                "protocol": {"const": p.PROTOCOL},
                "error": {"type": "string"},
                "detail": {"type": "string"},
            },
        },
        "Manifest": {
            "type": "object",
            "description": "the dossier's manifest.json (vista-dossier-manifest, version 2)",
            "required": ["files"],
            "properties": {"files": {"type": "array", "items": file_entry}},
        },
        "Submission": {
            "type": "object",
            "required": ["protocol", "submission", "status", "files"],
            "properties": {
                "protocol": {"const": p.PROTOCOL},
                "submission": {"type": "string", "format": "uuid"},
                "status": {"enum": list(p.STATES)},
                "manifest_sha256": {"type": "string"},
                "registration_number": {"type": ["string", "null"]},
                "certificate_number": {"type": ["string", "null"]},
                "reasons": {"type": "array", "items": {"type": "string"}},
                "receipt": {"type": ["object", "null"]},
                "files": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {
                            "path": {"type": "string"},
                            "size": {"type": "integer"},
                            "upload": {"type": ["string", "null"]},
                            "offset": {"type": "integer"},
                        },
                    },
                },
            },
        },
    }
    tus_headers = {"Tus-Resumable": _header(p.TUS_VERSION)}
    paths: dict[str, Any] = {
        f"{p.API_PREFIX}/operator/submissions": {
            "get": {
                "summary": "the operator's page: every submission, newest first (HTML)",
                "security": [{"operator": []}],
                "parameters": [
                    {
                        "name": "status",
                        "in": "query",
                        "required": False,
                        "schema": {"enum": [p.OPEN, p.RECEIVED, p.ACCEPTED, p.RETURNED]},
                    }
                ],
                "responses": {
                    "200": {"description": "the page", "content": {"text/html": {"schema": {"type": "string"}}}},
                    **_errors(400, 401, 429),
                },
            }
        },
        p.OPENAPI_PATH: {
            "get": {"summary": "this document", "responses": {"200": _json({"type": "object"}, "OpenAPI")}}
        },
        p.TOKEN_PATH: {
            "post": {
                "summary": "sign in",
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "required": ["account", "password"],
                                "properties": {"account": {"type": "string"}, "password": {"type": "string"}},
                            }
                        }
                    },
                },
                "responses": {
                    "200": _json(
                        {
                            "type": "object",
                            "required": ["access_token", "expires_in"],
                            "properties": {"access_token": {"type": "string"}, "expires_in": {"type": "integer"}},
                        },
                        "a Bearer token",
                    ),
                    **_errors(400, 401, 429),
                },
            }
        },
        f"{p.SUBMISSIONS_PATH}/{{submission}}": {
            "put": {
                "summary": "create the submission (idempotent: same id and manifest → the existing one)",
                "security": _BEARER,
                "parameters": [_SUBMISSION_ID],
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "required": ["manifest"],
                                "properties": {"manifest": {"$ref": "#/components/schemas/Manifest"}},
                            }
                        }
                    },
                },
                "responses": {
                    "201": _json(_STATUS, "created"),
                    "200": _json(_STATUS, "already there with the same manifest"),
                    **_errors(400, 401, 409, 413, 422),
                },
            },
            "get": {
                "summary": "status, numbers, reasons and receipt",
                "security": _BEARER,
                "parameters": [_SUBMISSION_ID],
                "responses": {"200": _json(_STATUS, "the submission"), **_errors(401, 404)},
            },
        },
        f"{p.SUBMISSIONS_PATH}/{{submission}}/complete": {
            "post": {
                "summary": "re-hash every file against the manifest, check its signature, issue the receipt",
                "security": _BEARER,
                "parameters": [_SUBMISSION_ID],
                "responses": {"200": _json(_STATUS, "received"), **_errors(401, 404, 422)},
            }
        },
        p.UPLOADS_PATH: {
            "options": {
                "summary": "tus capabilities",
                "responses": {
                    "204": {
                        "description": "tus 1.0",
                        "headers": {
                            "Tus-Version": _header(p.TUS_VERSION),
                            "Tus-Extension": _header(",".join(p.TUS_EXTENSIONS)),
                            "Tus-Checksum-Algorithm": _header(p.CHECKSUM_ALGORITHM),
                            "Tus-Max-Size": _header("bytes"),
                        },
                    }
                },
            },
            "post": {
                "summary": "tus creation: Upload-Length and Upload-Metadata (submission, path)",
                "security": _BEARER,
                "parameters": [
                    _TUS_RESUMABLE,
                    {"name": "Upload-Length", "in": "header", "required": True, "schema": {"type": "integer"}},
                    {"name": "Upload-Metadata", "in": "header", "required": True, "schema": {"type": "string"}},
                ],
                "responses": {
                    "201": {"description": "created", "headers": {"Location": _header("upload URL"), **tus_headers}},
                    **_errors(400, 401, 404, 409, 412, 413),
                },
            },
        },
        f"{p.UPLOADS_PATH}{{upload_id}}": {
            "options": {
                "summary": "tus capabilities",
                "parameters": [_UPLOAD_ID],
                "responses": {"204": {"description": "tus 1.0"}},
            },
            "head": {
                "summary": "the offset received so far",
                "security": _BEARER,
                "parameters": [_UPLOAD_ID, _TUS_RESUMABLE],
                "responses": {
                    "200": {
                        "description": "offset",
                        "headers": {"Upload-Offset": _header("bytes"), "Upload-Length": _header("bytes")},
                    },
                    "404": {"description": "no such upload"},
                },
            },
            "patch": {
                "summary": "append at Upload-Offset (optional Upload-Checksum: sha256 base64)",
                "security": _BEARER,
                "parameters": [
                    _UPLOAD_ID,
                    _TUS_RESUMABLE,
                    {"name": "Upload-Offset", "in": "header", "required": True, "schema": {"type": "integer"}},
                    {"name": "Upload-Checksum", "in": "header", "required": False, "schema": {"type": "string"}},
                ],
                "requestBody": {
                    "required": True,
                    "content": {p.TUS_CONTENT_TYPE: {"schema": {"type": "string", "format": "binary"}}},
                },
                "responses": {
                    "204": {"description": "appended", "headers": {"Upload-Offset": _header("bytes")}},
                    **_errors(400, 401, 404, 409, 412, 413, 415, 423, p.STATUS_CHECKSUM_MISMATCH),
                },
            },
            "delete": {
                "summary": "tus termination",
                "security": _BEARER,
                "parameters": [_UPLOAD_ID, _TUS_RESUMABLE],
                "responses": {"204": {"description": "deleted"}, **_errors(401, 404, 409, 423)},
            },
        },
    }
    return {
        "openapi": "3.1.0",
        "info": {"title": "VISTA intake", "version": p.PROTOCOL},
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer"},
                "operator": {"type": "http", "scheme": "basic"},
            },
        },
    }
