#include <cstdlib>
#include <iostream>
using namespace std;

int main() {
    cout << 1 << endl;
    abort();
}
