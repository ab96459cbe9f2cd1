#include <iostream>

bool isPrime(int n) {
    if (n < 5) return false;
    for (int i = 2; i * i <= n; i++)
        if (n % i == 0) return false;
    return true;
}

int main() {
    int c = 0;
    for (int x = 0; x < 100; x++) c += isPrime(x);
    std::cout << c << "\n";
}
