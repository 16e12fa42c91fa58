"""The /api/docs page: every operation with its parameters, and every schema with its
fields, read from the OpenAPI schema and written in French."""

from django.shortcuts import render
from ninja.openapi.docs import DocsBase

from essor.core.text import render_markdown

JSON_TYPES = {
    "string": "texte",
    "integer": "entier",
    "number": "nombre",
    "boolean": "booléen",
    "array": "liste",
    "object": "objet",
    "null": "vide",
}


def _type_label(definition):
    """ "texte ou vide", "liste de Label"... from a JSON schema property."""
    if "$ref" in definition:
        return definition["$ref"].rsplit("/", 1)[-1]
    if "anyOf" in definition:
        return " ou ".join(_type_label(option) for option in definition["anyOf"])
    if definition.get("type") == "array":
        return "liste de " + _type_label(definition.get("items", {}))
    label = JSON_TYPES.get(definition.get("type", ""), "valeur")
    if definition.get("format") in {"date", "date-time"}:
        label = "date" if definition["format"] == "date" else "date et heure"
    return label


class EndpointList(DocsBase):
    """The documentation page: every operation with its parameters, from the schema."""

    def render_page(self, request, api, **kwargs):
        schema = api.get_openapi_schema(path_params=kwargs)
        operations = []
        for path, methods in schema["paths"].items():
            for method, operation in methods.items():
                operations.append(
                    {
                        "method": method.upper(),
                        "path": path,
                        "summary": operation.get("summary", ""),
                        "description": render_markdown(operation.get("description", "")),
                        "parameters": [
                            {
                                "name": parameter["name"],
                                "location": "chemin" if parameter["in"] == "path" else "requête",
                                "required": parameter.get("required", False),
                                "description": render_markdown(parameter.get("description", "")),
                            }
                            for parameter in operation.get("parameters", [])
                        ],
                    }
                )
        models = [
            {
                "name": name,
                "fields": [
                    {
                        "name": field,
                        "type": _type_label(definition),
                        "description": render_markdown(definition.get("description", "")),
                    }
                    for field, definition in component.get("properties", {}).items()
                ],
            }
            for name, component in schema.get("components", {}).get("schemas", {}).items()
        ]
        return render(
            request,
            "api/docs.html",
            {
                "title": api.title,
                "version": api.version,
                "description": render_markdown(api.description),
                "operations": operations,
                "models": models,
                "openapi_url": self.get_openapi_url(api, kwargs),
            },
        )
