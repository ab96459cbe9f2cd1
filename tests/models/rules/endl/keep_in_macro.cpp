#include <iostream>
using namespace std;
#define SHOW(x) cout << (x) << endl

int main() {
    SHOW(42);
}
