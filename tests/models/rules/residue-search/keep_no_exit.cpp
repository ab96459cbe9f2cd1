#include <iostream>
using namespace std;

int main() {
    long long a = 3, b = 7, c = 2;
    for (long long i = 1; i < 1000; i++)
        if (i * a % b == c) cout << i << "\n";
}
