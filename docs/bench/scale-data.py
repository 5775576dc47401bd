# Builds hymenoptera at 2x and 4x the images: each original plus transformed copies (mirror; 4x adds
# a 5% centre crop and its mirror), so every copy has different bytes (the feature cache cannot dedupe).
import os, sys
from PIL import Image, ImageOps
src = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'data', 'hymenoptera')
out = sys.argv[1] if len(sys.argv) > 1 else '/tmp/scale'
for k in (2, 4):
    dst = os.path.join(out, f'hym-{k}x')
    for root, dirs, files in os.walk(src, followlinks=True):
        rel = os.path.relpath(root, src)
        for f in files:
            if not f.lower().endswith(('.jpg', '.jpeg', '.png')): continue
            os.makedirs(os.path.join(dst, rel), exist_ok=True)
            im = Image.open(os.path.join(root, f)).convert('RGB')
            w, h = im.size
            crop = im.crop((int(w*.05), int(h*.05), int(w*.95), int(h*.95)))
            variants = [im, ImageOps.mirror(im)] + ([crop, ImageOps.mirror(crop)] if k == 4 else [])
            base = os.path.splitext(f)[0]
            for i, v in enumerate(variants):
                v.save(os.path.join(dst, rel, f'{base}_v{i}.jpg'), quality=92)
    n = sum(len(fs) for _, _, fs in os.walk(dst))
    print(dst, n)
