/** The file as it goes on the wire: a `File` so its name survives every FormData implementation. */
export function toNamedFile(file: Blob, fileName: string | undefined, fallbackName = 'upload'): File {
  const name = fileName ?? (typeof File !== 'undefined' && file instanceof File && file.name ? file.name : fallbackName);
  const type = file.type || 'application/octet-stream';
  if (typeof File !== 'undefined' && file instanceof File && file.name === name && file.type === type) return file;
  // Wrapping references the blob's bytes, it does not copy them.
  return new File([file], name, { type });
}
