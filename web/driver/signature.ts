/** A signature pad on a canvas: pointer events draw strokes; the result is a PNG in base64. */
export class SignaturePad {
  private drawn = false;
  private readonly context: CanvasRenderingContext2D;

  constructor(private readonly canvas: HTMLCanvasElement) {
    this.context = canvas.getContext('2d')!;
    this.context.lineWidth = 2.5;
    this.context.lineCap = 'round';
    this.context.strokeStyle = '#111';
    let drawing = false;
    const point = (event: PointerEvent): [number, number] => {
      const box = canvas.getBoundingClientRect();
      return [((event.clientX - box.left) * canvas.width) / box.width, ((event.clientY - box.top) * canvas.height) / box.height];
    };
    canvas.addEventListener('pointerdown', (event) => {
      drawing = true;
      canvas.setPointerCapture(event.pointerId);
      this.context.beginPath();
      this.context.moveTo(...point(event));
    });
    canvas.addEventListener('pointermove', (event) => {
      if (!drawing) return;
      this.context.lineTo(...point(event));
      this.context.stroke();
      this.drawn = true;
    });
    const end = () => {
      drawing = false;
    };
    canvas.addEventListener('pointerup', end);
    canvas.addEventListener('pointercancel', end);
  }

  get isEmpty(): boolean {
    return !this.drawn;
  }

  clear(): void {
    this.context.clearRect(0, 0, this.canvas.width, this.canvas.height);
    this.drawn = false;
  }

  toBase64Png(): string {
    return this.canvas.toDataURL('image/png').split(',')[1]!;
  }
}
