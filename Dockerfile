# The image of the daily digest job (Cloud Run job errorops-digest): `python -m errorops digest`; the
# weekly and monthly KPI report jobs (errorops-report-week, -month) run `errorops report` from it too.
# Built and pushed by .github/workflows/deploy.yml (.ci/digest-image); the stack runs it by digest.
# It carries alert_rules/ and the stack files, so the digest it sends is the one this commit says.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
COPY requirements-digest.txt ./
RUN pip install -r requirements-digest.txt

# Run from the source tree (not installed): errorops finds alert_rules/ and Pulumi.*.yaml beside its package.
COPY Pulumi.yaml Pulumi.*.yaml ./
COPY alert_rules/ alert_rules/
COPY errorops/ errorops/

RUN useradd --system --no-create-home --uid 10001 errorops
USER 10001

ENTRYPOINT ["python", "-m", "errorops"]
CMD ["digest", "--help"]
