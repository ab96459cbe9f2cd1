#include <iostream>

int paths(int n, int &steps) {
    steps++;
    return n < 2 ? 1 : paths(n - 1, steps) + paths(n - 2, steps);
}

int main() {
    int steps = 0;
    std::cout << paths(10, steps) << " " << steps << "\n";
}
