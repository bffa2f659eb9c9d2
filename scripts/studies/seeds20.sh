#!/bin/bash
# run the statistical specs with 20 different seeds, one after the other
cd "$(dirname "$0")/../.."
for s in $(seq 1 20); do
  out=$(DLSPEC_SEED=$s npx vitest run spec/heinit.spec.ts spec/autoencoder.spec.ts spec/resnet.spec.ts --reporter=json 2>/dev/null)
  echo "$out" | python3 -c "
import json,sys
d=json.load(sys.stdin)
fails=[t['fullName'] for f in d['testResults'] for t in f['assertionResults'] if t['status']!='passed']
print('seed $s', d['numPassedTests'],'/',d['numTotalTests'], 'FAILED:' if fails else 'ok', '; '.join(x[-120:] for x in fails))
"
done
