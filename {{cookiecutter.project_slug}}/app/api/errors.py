from typing import cast

from fastapi import Request, status
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse


async def validation_error_without_input(request: Request, exc: Exception) -> JSONResponse:
    """FastAPI's 422 response, less the rejected values: one of them may be a password."""
    errors = [
        {key: value for key, value in error.items() if key != "input"}
        for error in cast(RequestValidationError, exc).errors()
    ]
    return JSONResponse(
        status_code=status.HTTP_422_UNPROCESSABLE_CONTENT,
        content={"detail": jsonable_encoder(errors)},
    )
