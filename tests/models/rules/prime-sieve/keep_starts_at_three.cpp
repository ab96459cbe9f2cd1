#include <iostream>

bool isPrime(int n) {
    if (n < 2) return false;
    for (int i = 3; i * i <= n; i++)
        if (n % i == 0) return false;
    return true;
}

int main() {
    int c = 0;
    for (int x = 0; x < 100; x++) c += isPrime(x);
    std::cout << c << "\n";
}
