from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def jurisdiction_list(request: HttpRequest) -> HttpResponse:
    return render(request, "jurisdictions/list.html")


def practice_area_list(request: HttpRequest) -> HttpResponse:
    return render(request, "jurisdictions/practice_areas.html")
