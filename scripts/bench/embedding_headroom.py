#!/usr/bin/env python3
"""Measures embedding variants on a library frs made (docs/recognition.md, "Embedding headroom").

Not part of frs. Reads an frs SQLite library (one that `frs eval clustering --work-dir DIR` left,
so detection is done once) and the labels CSV it was made from:

  refresh LIB                    records the photos' current modification times where their content
                                 is unchanged (same SHA-256), so that a copied evaluation library
                                 whose photos were copied again is not detected again
  faces LIB > faces.tsv          every face: id, photo, box, landmarks (input of dlib-embed)
  verify LIB LABELS [--vectors V.tsv [--centre]] [--combine W]
                                 verification on the labelled faces (the face nearest each photo's
                                 centre, as `frs eval` picks it): ROC AUC, equal error rate, TAR at
                                 0.1 % FAR over all same-identity pairs against all different-identity
                                 pairs. Without --vectors: the library's own embeddings. --combine W:
                                 score W * library + (1 - W) * vectors (cosine similarities).
                                 --centre: subtract the mean of V over every face of the library
                                 before normalising (dlib's vectors all point one way: different
                                 people's cosine averages 0.84; centred, 0.00, as FaceNet's 0.07).
  write LIB --vectors V.tsv [--centre] [--combine W]
                                 replaces the library's embeddings by V (or by the concatenation
                                 [sqrt(W) f, sqrt(1 - W) v], whose cosine is the combined score),
                                 keeping the model tag, so `frs eval clustering --work-dir` clusters
                                 them. Only ever on a copy made for the measurement.
"""
import argparse, csv, os, sqlite3, struct, sys
import numpy as np


def image_size(path):
    """(width, height) from a JPEG or PNG header."""
    with open(path, 'rb') as f:
        data = f.read(1 << 20)
    if data[:8] == b'\x89PNG\r\n\x1a\n':
        return struct.unpack('>II', data[16:24])
    i = 2
    while i < len(data):
        if data[i] != 0xFF:
            i += 1
            continue
        marker = data[i + 1]
        if marker in (0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF):
            h, w = struct.unpack('>HH', data[i + 5:i + 9])
            return w, h
        i += 2 + struct.unpack('>H', data[i + 2:i + 4])[0]
    raise ValueError(f'no image size in {path}')


def library_faces(lib):
    db = sqlite3.connect(os.path.join(lib, 'frs.sqlite') if os.path.isdir(lib) else lib)
    rows = db.execute('''SELECT f."Id", m."FilePath", f."BoundingBox", f."Landmarks", f."Embedding", f."Quality"
                         FROM "Faces" f JOIN "MediaItems" i ON i."Id" = f."MediaItemId"
                         JOIN "MediaFile" m ON m."Id" = i."MediaFileId" ORDER BY f."Id"''').fetchall()
    faces = []
    for fid, path, box, landmarks, emb, quality in rows:
        faces.append(dict(id=fid, path=path, box=[float(v) for v in box.split(',')],
                          landmarks=list(struct.unpack('<10f', landmarks)) if landmarks else None,
                          vector=np.frombuffer(emb, dtype='<f4') if emb else None, quality=quality))
    return faces


def labelled_faces(faces, labels):
    """(face, identity) for each labelled photo: the face nearest the image centre."""
    folder = os.path.dirname(os.path.abspath(labels))
    identity_of = {}
    with open(labels) as f:
        for row in csv.DictReader(f):
            if row['identity']:
                identity_of[os.path.normpath(os.path.join(folder, row['path']))] = row['identity']
    by_photo = {}
    for face in faces:
        by_photo.setdefault(face['path'], []).append(face)
    result = []
    for path in sorted(by_photo):
        identity = identity_of.get(path)
        if identity is None:
            continue
        w, h = image_size(path)
        nearest = min(by_photo[path], key=lambda f: ((f['box'][0] + f['box'][2]) / 2 - w / 2) ** 2 + ((f['box'][1] + f['box'][3]) / 2 - h / 2) ** 2)
        result.append((nearest, identity))
    return result


def normalised(m):
    return m / np.maximum(np.linalg.norm(m, axis=1, keepdims=True), 1e-10)


def read_vectors(path):
    vectors = {}
    with open(path) as f:
        for line in f:
            fid, values = line.rstrip('\n').split('\t')
            vectors[int(fid)] = np.array([float(v) for v in values.split(',')], dtype=np.float32)
    return vectors


def verification(similarity, identities):
    """The figures `frs eval verification` prints, from a similarity matrix of the labelled faces."""
    n = len(identities)
    ids = np.array(identities)
    upper = np.triu_indices(n, 1)
    scores = similarity[upper]
    same = (ids[:, None] == ids[None, :])[upper]
    genuine, impostor = np.sort(scores[same]), np.sort(scores[~same])
    # AUC = P(genuine > impostor) + P(tie) / 2
    below = np.searchsorted(impostor, genuine, side='left')
    ties = np.searchsorted(impostor, genuine, side='right') - below
    auc = (below.sum() + ties.sum() / 2) / (len(genuine) * len(impostor))
    # threshold at 0.1 % FAR as VerificationEvaluation takes it; TAR = genuine scores above it
    far_index = min(len(impostor) - 1, int(np.ceil(len(impostor) * 0.999)))
    threshold = impostor[far_index]
    tar = (genuine > threshold).mean()
    # equal error rate over thresholds at the genuine scores
    frr = np.arange(len(genuine)) / len(genuine)
    far = 1 - np.searchsorted(impostor, genuine, side='left') / len(impostor)
    k = np.argmin(np.abs(frr - far))
    return dict(genuine=len(genuine), impostor=len(impostor), auc=auc, eer=(frr[k] + far[k]) / 2,
                far001=threshold, tar001=tar, genuine_mean=genuine.mean(), impostor_mean=impostor.mean(),
                genuine_min=genuine[0], impostor_max=impostor[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('command', choices=['refresh', 'faces', 'verify', 'write'])
    parser.add_argument('library')
    parser.add_argument('labels', nargs='?')
    parser.add_argument('--vectors')
    parser.add_argument('--combine', type=float)
    parser.add_argument('--centre', action='store_true')
    args = parser.parse_args()
    if args.command == 'refresh':
        import hashlib
        db = sqlite3.connect(os.path.join(args.library, 'frs.sqlite'))
        same = changed = 0
        for fid, path, mtime, digest in db.execute('SELECT "Id", "FilePath", "MTime", "ContentHash" FROM "MediaFile"').fetchall():
            with open(path, 'rb') as f:
                if hashlib.sha256(f.read()).hexdigest() != digest:
                    changed += 1
                    continue
            # As Foundation computes it (seconds since 2001, then back to 1970): frs compares exactly.
            seconds, nanoseconds = divmod(os.stat(path).st_mtime_ns, 10 ** 9)
            foundation = ((seconds - 978307200) + nanoseconds / 1e9) + 978307200
            db.execute('UPDATE "MediaFile" SET "MTime" = ? WHERE "Id" = ?', (foundation, fid))
            same += 1
        db.commit()
        print(f'{same} photos unchanged (modification time recorded again), {changed} changed (left to be detected again)')
        return
    faces = library_faces(args.library)

    if args.command == 'faces':
        for f in faces:
            if f['landmarks'] is None:
                continue
            print(f['id'], f['path'], *('%.3f' % v for v in f['box']), *('%.3f' % v for v in f['landmarks']), sep='\t')
        return

    other = read_vectors(args.vectors) if args.vectors else None
    if other is not None and args.centre:
        mean = np.mean(np.stack([other[f['id']] for f in faces]), axis=0)
        other = {k: v - mean for k, v in other.items()}
    if args.command == 'write':
        db = sqlite3.connect(os.path.join(args.library, 'frs.sqlite'))
        for f in faces:
            v = other[f['id']] / np.linalg.norm(other[f['id']])
            if args.combine is not None:
                v = np.concatenate([np.sqrt(args.combine) * f['vector'], np.sqrt(1 - args.combine) * v])
            db.execute('UPDATE "Faces" SET "Embedding" = ? WHERE "Id" = ?', (v.astype('<f4').tobytes(), f['id']))
        db.commit()
        print(f'wrote {len(faces)} vectors of {len(v)} floats')
        return

    labelled = labelled_faces(faces, args.labels)
    if other is not None:  # vectors of some faces only: score those
        labelled = [(f, identity) for f, identity in labelled if f['id'] in other]
    identities = [identity for _, identity in labelled]
    own = normalised(np.stack([f['vector'] for f, _ in labelled]))
    similarity = own @ own.T
    if other is not None:
        theirs = normalised(np.stack([other[f['id']] for f, _ in labelled]))
        theirs_similarity = theirs @ theirs.T
        similarity = theirs_similarity if args.combine is None else args.combine * similarity + (1 - args.combine) * theirs_similarity
    r = verification(similarity, identities)
    print(f"{len(labelled)} labelled faces, {len(set(identities))} identities, {r['genuine']} same-identity pairs, {r['impostor']} different")
    print(f"  ROC AUC {r['auc']:.4f}, EER {r['eer'] * 100:.2f} %, TAR {r['tar001'] * 100:.1f} % at 0.1 % FAR (threshold {r['far001']:.3f})")
    print(f"  same mean {r['genuine_mean']:.3f} (min {r['genuine_min']:.3f}), different mean {r['impostor_mean']:.3f} (max {r['impostor_max']:.3f})")


if __name__ == '__main__':
    main()
