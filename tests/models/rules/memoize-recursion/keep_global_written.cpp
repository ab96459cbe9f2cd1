#include <iostream>
using namespace std;

int calls;

int grid(int r, int c) {
    calls++;
    if (r == 0 || c == 0) return 1;
    return grid(r - 1, c) + grid(r, c - 1);
}

int main() {
    cout << grid(8, 8) << " " << calls << "\n";
}
